package sasl

import (
	"fmt"
	"strings"
)

// maxDirectives bounds what a peer can make us parse.
const maxDirectives = 64

type directives map[string][]string

func (d directives) get(k string) string {
	if v := d[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// list splits a comma-separated directive value (qop="auth,auth-int").
// Repeated directives are merged.
func (d directives) list(k string) []string {
	var out []string
	for _, v := range d[k] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// parseDirectives parses RFC 2831 name=value pairs: values are tokens or
// quoted strings with backslash escapes; names are case-insensitive.
func parseDirectives(s string) (directives, error) {
	d := directives{}
	i, n := 0, 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',' || s[i] == '\r' || s[i] == '\n') {
			i++
		}
		if i >= len(s) {
			return d, nil
		}
		if n++; n > maxDirectives {
			return nil, fmt.Errorf("sasl: more than %d directives", maxDirectives)
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq <= 0 {
			return nil, fmt.Errorf("sasl: malformed directive at %q", trunc(s[i:]))
		}
		name := strings.ToLower(strings.TrimSpace(s[i : i+eq]))
		i += eq + 1
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		var val strings.Builder
		if i < len(s) && s[i] == '"' {
			i++
			closed := false
			for i < len(s) {
				c := s[i]
				i++
				if c == '\\' && i < len(s) {
					val.WriteByte(s[i])
					i++
					continue
				}
				if c == '"' {
					closed = true
					break
				}
				val.WriteByte(c)
			}
			if !closed {
				return nil, fmt.Errorf("sasl: unterminated quoted value for %q", name)
			}
		} else {
			j := strings.IndexByte(s[i:], ',')
			if j < 0 {
				j = len(s) - i
			}
			val.WriteString(strings.TrimSpace(s[i : i+j]))
			i += j
		}
		d[name] = append(d[name], val.String())
	}
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
