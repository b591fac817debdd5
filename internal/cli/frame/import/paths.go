package importcmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/internal/errs"
)

// isURL reports whether p names remote storage (hdfs://, s3a://, ...): the
// cluster reads it, so the client must not touch or rewrite it.
func isURL(p string) bool {
	i := strings.Index(p, "://")
	return i > 0 && !strings.ContainsAny(p[:i], `/\`)
}

// ExpandPaths turns the user's arguments into the absolute file paths sent
// to the cluster: globs expanded (sorted), each file checked for existence
// and readability here, where the error message can say which one. URLs pass
// through unchanged.
func ExpandPaths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if isURL(a) {
			out = append(out, a)
			continue
		}
		matches := []string{a}
		if strings.ContainsAny(a, "*?[") {
			m, err := filepath.Glob(a)
			if err != nil {
				return nil, errs.New(errs.Usage, fmt.Errorf("bad pattern %q: %w", a, err), "")
			}
			if len(m) == 0 {
				return nil, errs.New(errs.NotFound, fmt.Errorf("%s: no files match", a), "check the pattern; quote it if your shell should not expand it")
			}
			matches = m
		}
		for _, m := range matches {
			abs, err := filepath.Abs(m)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m, err)
			}
			if err := checkReadable(abs); err != nil {
				return nil, err
			}
			out = append(out, abs)
		}
	}
	return out, nil
}

func checkReadable(p string) error {
	fh, err := os.Open(p)
	if err == nil {
		return fh.Close()
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errs.New(errs.NotFound, fmt.Errorf("%s: no such file", p), "")
	case errors.Is(err, fs.ErrPermission):
		return errs.New(errs.Error, fmt.Errorf("%s: permission denied", p),
			"the file must be readable by you (and, on the local backend, by the engine nodes you start)")
	}
	return fmt.Errorf("%s: %w", p, err)
}

// DefaultName is the frame name taken from a file: its base name without
// extensions ("data/airline-sample.csv.gz" -> "airline-sample"), made a
// valid frame name: every character but letters, digits, '_', '.' and '-'
// becomes '_' ("my data.csv" -> "my_data", "été.csv" -> "_t_"), and a name
// that would start with '.' or '-' starts with '_'.
func DefaultName(p string) string {
	base := baseName(p)
	var b strings.Builder
	for _, r := range base {
		switch {
		case r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-'):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := b.String()
	if name == "" || name[0] == '.' || name[0] == '-' {
		name = "_" + strings.TrimLeft(name, ".-")
	}
	if len(name) > 128 {
		name = name[:128]
	}
	return name
}

// baseName is a path's base name without extensions.
func baseName(p string) string {
	if isURL(p) {
		p = p[strings.Index(p, "://")+3:]
	}
	base := filepath.Base(strings.TrimRight(p, "/"))
	if len(base) > 1 {
		if i := strings.IndexByte(base[1:], '.'); i >= 0 {
			base = base[:i+1]
		}
	}
	return base
}

// ValidName is the rule the cluster applies to frame names.
var ValidName = frame.ValidName
