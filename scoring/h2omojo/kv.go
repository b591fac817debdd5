package h2omojo

import (
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/scoring"
)

// The [info] values are Java literals: "null", true/false, integers,
// doubles (1.0E-4, NaN, Infinity) and arrays "[a, b, c]".

func parseInt(s string) (int, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	return int(n), err
}

func parseFloat(s string) (float64, error) {
	return strconv.ParseFloat(strings.TrimSpace(s), 64)
}

// has reports whether key is present and not null.
func (mj *mojo) has(key string) bool {
	v, ok := mj.kv[key]
	return ok && v != "null"
}

func (mj *mojo) str(key string) string {
	if !mj.has(key) {
		return ""
	}
	return mj.kv[key]
}

func (mj *mojo) int(key string) (int, error) {
	if !mj.has(key) {
		return 0, mj.malformed("model.ini has no %s", key)
	}
	n, err := parseInt(mj.kv[key])
	if err != nil {
		return 0, mj.malformed("%s = %q is not an integer", key, mj.kv[key])
	}
	return n, nil
}

func (mj *mojo) float(key string) (float64, error) {
	if !mj.has(key) {
		return 0, mj.malformed("model.ini has no %s", key)
	}
	f, err := parseFloat(mj.kv[key])
	if err != nil {
		return 0, mj.malformed("%s = %q is not a number", key, mj.kv[key])
	}
	return f, nil
}

func (mj *mojo) bool(key string, def bool) (bool, error) {
	if !mj.has(key) {
		return def, nil
	}
	switch mj.kv[key] {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, mj.malformed("%s = %q is not true or false", key, mj.kv[key])
}

// floats parses an array; a missing or null key is nil.
func (mj *mojo) floats(key string) ([]float64, error) {
	if !mj.has(key) {
		return nil, nil
	}
	v := mj.kv[key]
	if len(v) < 2 || v[0] != '[' || v[len(v)-1] != ']' {
		return nil, mj.malformed("%s = %q is not an array", key, short(v))
	}
	body := strings.TrimSpace(v[1 : len(v)-1])
	if body == "" {
		return []float64{}, nil
	}
	parts := strings.Split(body, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		f, err := parseFloat(p)
		if err != nil {
			return nil, mj.malformed("%s: element %d %q is not a number", key, i, short(p))
		}
		out[i] = f
	}
	return out, nil
}

func (mj *mojo) ints(key string) ([]int, error) {
	fs, err := mj.floats(key)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(fs))
	for i, f := range fs {
		if f != float64(int32(f)) {
			return nil, mj.malformed("%s: element %d (%v) is not an integer", key, i, f)
		}
		out[i] = int(f)
	}
	return out, nil
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// version checks mojo_version against the versions an algorithm's reader
// knows.
func (mj *mojo) version(known ...float64) error {
	v, err := mj.float("mojo_version")
	if err != nil {
		return err
	}
	for _, k := range known {
		if v == k {
			return nil
		}
	}
	return mj.unsupported("MOJO version %s is not one this importer knows; %s", mj.kv["mojo_version"], Supported)
}

// schema builds the features (the first n_features columns), the response
// (the last column) and its classes, and reads every domain file.
func (mj *mojo) schema() (scoring.Schema, error) {
	var s scoring.Schema
	sup, err := mj.bool("supervised", false)
	if err != nil {
		return s, err
	}
	if !sup {
		return s, mj.unsupported("an unsupervised model; %s", Supported)
	}
	switch cat := mj.kv["category"]; cat {
	case "Regression", "Binomial", "Multinomial":
	default:
		return s, mj.unsupported("model category %q; only Regression, Binomial and Multinomial are imported", cat)
	}
	nc := len(mj.columns)
	nf, err := mj.int("n_features")
	if err != nil {
		return s, err
	}
	if nc == 0 || nf < 0 || nf > nc-1 {
		return s, mj.malformed("n_features = %d with %d columns", nf, nc)
	}
	if err := mj.readDomains(); err != nil {
		return s, err
	}
	s.Features = make([]scoring.Feature, nf)
	for j := range s.Features {
		f := scoring.Feature{Name: mj.columns[j], Type: scoring.Numeric}
		if d := mj.doms[j]; d != nil {
			f.Type, f.Domain = scoring.Categorical, d
		}
		s.Features[j] = f
	}
	s.Response = mj.columns[nc-1]
	if off := mj.str("offset_column"); off != "" {
		found := false
		for _, c := range mj.columns[nf : nc-1] {
			found = found || c == off
		}
		if !found {
			return s, mj.malformed("offset column %q is not among the columns after the features", off)
		}
		s.Offset = off
	}
	if mj.kv["category"] != "Regression" {
		k, err := mj.int("n_classes")
		if err != nil {
			return s, err
		}
		s.Classes = mj.doms[nc-1]
		if s.Classes == nil && k == 2 {
			s.Classes = []string{"0", "1"} // h2o-genmodel's names for a numeric 0/1 response
		}
		if len(s.Classes) != k || k < 2 {
			return s, mj.malformed("n_classes = %d, the response has %d levels", k, len(s.Classes))
		}
	}
	return s, nil
}

func (mj *mojo) readDomains() error {
	esc, err := mj.bool("escape_domain_values", false)
	if err != nil {
		return err
	}
	mj.doms = make([][]string, len(mj.columns))
	for c, v := range mj.domains {
		if c >= len(mj.columns) {
			continue // h2o-genmodel ignores these too
		}
		cnt, file, ok := strings.Cut(v, " ")
		n, err := parseInt(cnt)
		if !ok || err != nil || n < 0 {
			return mj.malformed("domain of column %d: %q is not \"count file\"", c, v)
		}
		b, err := mj.read("domains/" + file)
		if err != nil {
			return err
		}
		lines := splitLines(string(b))
		if len(lines) != n {
			return mj.malformed("domains/%s has %d levels, model.ini says %d", file, len(lines), n)
		}
		if esc {
			for i, l := range lines {
				lines[i] = unescape(l)
			}
		}
		if lines == nil {
			lines = []string{}
		}
		mj.doms[c] = lines
	}
	return nil
}

// unescape undoes h2o-genmodel's escapeNewlines: \n, \r and \\; a backslash
// before anything else is dropped.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	slash := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case slash:
			switch c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			}
			b.WriteByte(c)
			slash = false
		case c == '\\':
			slash = true
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
