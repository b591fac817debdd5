package h2omojo

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mlctl/mlctl/scoring"
)

// ErrUnsupported is wrapped by every refusal of a well-formed MOJO that this
// importer cannot reproduce; the error's text names what it is and what is
// supported.
var ErrUnsupported = errors.New("unsupported H2O MOJO")

// ErrMalformed is wrapped by every error about input that is not a valid MOJO.
var ErrMalformed = errors.New("malformed H2O MOJO")

// UnsupportedError says which MOJO was refused and why.
type UnsupportedError struct {
	Algorithm   string // [info] algo, e.g. "drf"
	MojoVersion string // [info] mojo_version
	H2OVersion  string // [info] h2o_version
	Reason      string // what is unsupported and what is
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("h2omojo: %s MOJO %s from H2O %s: %s", e.Algorithm, e.MojoVersion, e.H2OVersion, e.Reason)
}

// Is makes errors.Is(err, ErrUnsupported) true.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// Supported lists what Read imports, for messages and documentation.
const Supported = "GBM (MOJO 1.20-1.40; gaussian, bernoulli, multinomial, poisson, gamma, tweedie, laplace, quantile, huber) " +
	"and GLM (MOJO 1.00; gaussian, binomial, poisson, gamma, tweedie, multinomial)"

// Info is what an artifact manifest wants to know about the imported MOJO.
type Info struct {
	Algo           string            `json:"algo"`      // [info] algo: gbm | glm
	Algorithm      string            `json:"algorithm"` // [info] algorithm, e.g. "Gradient Boosting Machine"
	H2OVersion     string            `json:"h2o_version"`
	MojoVersion    string            `json:"mojo_version"`
	Category       string            `json:"category"` // Regression | Binomial | Multinomial
	Columns        []string          `json:"columns"`  // [columns]: features, special columns, response
	Response       string            `json:"response"`
	ResponseDomain []string          `json:"response_domain,omitempty"`
	Offset         string            `json:"offset_column,omitempty"`
	Values         map[string]string `json:"info"` // every [info] key = value as written
}

// Limits on what one MOJO may make us hold, so a hostile zip cannot exhaust
// memory: decompressed bytes per entry and in total.
const (
	maxEntry = 256 << 20
	maxTotal = 1 << 30
)

// Open reads the MOJO zip at path.
func Open(path string) (scoring.Model, *Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	return Read(f, st.Size())
}

// Read imports the MOJO zip in r (size bytes). The model it returns has
// passed scoring.Validate.
func Read(r io.ReaderAt, size int64) (scoring.Model, *Info, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("h2omojo: %w: not a zip: %v", ErrMalformed, err)
	}
	mj := &mojo{files: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		mj.files[f.Name] = f
	}
	ini, err := mj.read("model.ini")
	if err != nil {
		return nil, nil, err
	}
	if err := mj.parseIni(ini); err != nil {
		return nil, nil, err
	}
	info := mj.info()
	var m scoring.Model
	switch info.Algo {
	case "gbm":
		m, err = mj.gbm()
	case "glm":
		m, err = mj.glm()
	default:
		err = mj.unsupported("only %s are imported", Supported)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := scoring.Validate(m); err != nil {
		return nil, nil, fmt.Errorf("h2omojo: %w: imported model is inconsistent: %v", ErrMalformed, err)
	}
	info.Response = m.ModelSchema().Response
	info.ResponseDomain = append([]string(nil), mj.doms[len(mj.doms)-1]...)
	return m, info, nil
}

// mojo is one zip being read.
type mojo struct {
	files   map[string]*zip.File
	total   int64 // decompressed bytes so far
	kv      map[string]string
	columns []string
	domains map[int]string // column index -> "count file"
	// filled by schema()
	doms [][]string
}

func (mj *mojo) read(name string) ([]byte, error) {
	f := mj.files[name]
	if f == nil {
		return nil, mj.malformed("%s is missing", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, mj.malformed("%s: %v", name, err)
	}
	defer rc.Close()
	// The header's size is not trusted: read at most the limit, then one more
	// byte to tell a longer entry.
	limit := int64(maxEntry)
	if rest := maxTotal - mj.total; rest < limit {
		limit = rest
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, mj.malformed("%s: %v", name, err)
	}
	if n > limit {
		return nil, mj.malformed("%s is larger than %d bytes", name, limit)
	}
	mj.total += n
	return buf.Bytes(), nil
}

func (mj *mojo) exists(name string) bool { return mj.files[name] != nil }

// parseIni reads model.ini as h2o-genmodel does: lines trimmed, '#' comments
// and blank lines skipped, [info] "key = value", [columns] one name a line
// (n_columns of them), [domains] "index: count file".
func (mj *mojo) parseIni(b []byte) error {
	mj.kv = map[string]string{}
	mj.domains = map[int]string{}
	section := ""
	ncols := -1
	for _, line := range splitLines(string(b)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		switch line {
		case "[info]", "[columns]", "[domains]":
			section = line
			if line == "[columns]" {
				n, err := mj.int("n_columns")
				if err != nil {
					return err
				}
				if n < 0 || n > len(b) {
					return mj.malformed("n_columns = %d", n)
				}
				ncols = n
				mj.columns = make([]string, 0, n)
			}
			continue
		}
		switch section {
		case "[info]":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return mj.malformed("model.ini: %q is not key = value", line)
			}
			mj.kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
		case "[columns]":
			if len(mj.columns) >= ncols {
				return mj.malformed("model.ini lists more than n_columns = %d columns", ncols)
			}
			mj.columns = append(mj.columns, line)
		case "[domains]":
			i, v, ok := strings.Cut(line, ":")
			if !ok {
				return mj.malformed("model.ini: domain line %q", line)
			}
			c, err := parseInt(strings.TrimSpace(i))
			if err != nil || c < 0 {
				return mj.malformed("model.ini: domain line %q", line)
			}
			mj.domains[c] = strings.TrimSpace(v)
		default:
			return mj.malformed("model.ini: %q outside a section", line)
		}
	}
	if ncols < 0 {
		return mj.malformed("model.ini has no [columns] section")
	}
	if len(mj.columns) != ncols {
		return mj.malformed("model.ini lists %d columns, n_columns = %d", len(mj.columns), ncols)
	}
	return nil
}

// splitLines splits as Java's BufferedReader.readLine does: at \n, \r or
// \r\n, with no empty line after a final terminator.
func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	return out
}

func (mj *mojo) info() *Info {
	in := &Info{
		Algo: mj.kv["algo"], Algorithm: mj.kv["algorithm"], H2OVersion: mj.kv["h2o_version"],
		MojoVersion: mj.kv["mojo_version"], Category: mj.kv["category"],
		Columns: append([]string(nil), mj.columns...), Values: make(map[string]string, len(mj.kv)),
	}
	for k, v := range mj.kv {
		in.Values[k] = v
	}
	if off := mj.kv["offset_column"]; off != "" && off != "null" {
		in.Offset = off
	}
	return in
}

func (mj *mojo) unsupported(format string, args ...any) error {
	return &UnsupportedError{Algorithm: mj.kv["algo"], MojoVersion: mj.kv["mojo_version"], H2OVersion: mj.kv["h2o_version"],
		Reason: fmt.Sprintf(format, args...)}
}

func (mj *mojo) malformed(format string, args ...any) error {
	return fmt.Errorf("h2omojo: %w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}
