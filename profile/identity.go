package profile

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// authRule is one parsed auth_to_local rule, in Hadoop's syntax:
//
//	DEFAULT
//	RULE:[n:format](filter)s/pattern/replacement/g/L
//
// n is the number of components of the principal (alice@R has 1,
// nn/host@R has 2); format builds a string from them ($0 the realm, $1 the
// first component, $2 the second); the optional filter must match that whole
// string; the optional sed-style substitution (g: every match) makes the
// short name; /L lower-cases it.
type authRule struct {
	isDefault bool
	n         int
	format    string
	filter    *regexp.Regexp
	pattern   *regexp.Regexp
	repl      string // in Go's Expand syntax
	global    bool
	lower     bool
}

func parseRule(s string) (*authRule, error) {
	in := strings.TrimSpace(s)
	if in == "DEFAULT" {
		return &authRule{isDefault: true}, nil
	}
	rest, ok := strings.CutPrefix(in, "RULE:[")
	if !ok {
		return nil, fmt.Errorf("rule %q does not start with RULE:[ and is not DEFAULT", s)
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return nil, fmt.Errorf("rule %q: no ] closes RULE:[", s)
	}
	head := rest[:end]
	rest = rest[end+1:]
	num, format, ok := strings.Cut(head, ":")
	if !ok {
		return nil, fmt.Errorf("rule %q: want [n:format], got [%s]", s, head)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 9 {
		return nil, fmt.Errorf("rule %q: the number of components %q must be 1 to 9", s, num)
	}
	r := &authRule{n: n, format: format}
	for i := 0; i < len(format); i++ {
		if format[i] != '$' {
			continue
		}
		j := i + 1
		for j < len(format) && format[j] >= '0' && format[j] <= '9' {
			j++
		}
		k, err := strconv.Atoi(format[i+1 : j])
		if err != nil || k > n {
			return nil, fmt.Errorf("rule %q: format %q uses $%s but the principal has %d component(s) ($0 is the realm)", s, format, format[i+1:j], n)
		}
		i = j - 1
	}
	if strings.HasPrefix(rest, "(") {
		depth, end := 0, -1
		for i := 0; i < len(rest) && end < 0; i++ {
			switch rest[i] {
			case '\\':
				i++
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					end = i
				}
			}
		}
		if end < 0 {
			return nil, fmt.Errorf("rule %q: the filter's ( is not closed", s)
		}
		re, err := regexp.Compile("^(?:" + rest[1:end] + ")$")
		if err != nil {
			return nil, fmt.Errorf("rule %q: filter: %v", s, err)
		}
		r.filter = re
		rest = rest[end+1:]
	}
	if sed, ok := strings.CutPrefix(rest, "s/"); ok {
		parts := strings.SplitN(sed, "/", 3)
		if len(parts) < 3 {
			return nil, fmt.Errorf("rule %q: the substitution needs s/pattern/replacement/", s)
		}
		re, err := regexp.Compile(parts[0])
		if err != nil {
			return nil, fmt.Errorf("rule %q: substitution pattern: %v", s, err)
		}
		r.pattern, r.repl = re, javaReplacement(parts[1])
		rest = parts[2]
		if strings.HasPrefix(rest, "g") {
			r.global, rest = true, rest[1:]
		}
	}
	switch rest {
	case "":
	case "/L", "L":
		r.lower = true
	default:
		return nil, fmt.Errorf("rule %q: unexpected %q after the rule (only g and /L may follow the substitution)", s, rest)
	}
	return r, nil
}

var javaGroup = regexp.MustCompile(`\\\$|\$\{?([0-9]+)\}?`)

// javaReplacement turns a Java replacement ("$1", "\$") into Go's Expand
// syntax ("${1}", "$$").
func javaReplacement(s string) string {
	s = strings.ReplaceAll(s, "$$", "\x00")
	s = javaGroup.ReplaceAllStringFunc(s, func(m string) string {
		if m == `\$` {
			return "$$"
		}
		return "${" + strings.Trim(m, "${}") + "}"
	})
	return strings.ReplaceAll(s, "\x00", "$$")
}

// apply maps a principal; ok is false when the rule does not apply.
func (r *authRule) apply(realm string, comps []string, defaultRealm string) (string, bool, error) {
	if r.isDefault {
		if defaultRealm != "" && realm != defaultRealm {
			return "", false, nil
		}
		return comps[0], true, nil
	}
	if len(comps) != r.n {
		return "", false, nil
	}
	var b strings.Builder
	f := r.format
	for i := 0; i < len(f); i++ {
		if f[i] != '$' {
			b.WriteByte(f[i])
			continue
		}
		j := i + 1
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			j++
		}
		k, _ := strconv.Atoi(f[i+1 : j])
		if k == 0 {
			b.WriteString(realm)
		} else {
			b.WriteString(comps[k-1])
		}
		i = j - 1
	}
	out := b.String()
	if r.filter != nil && !r.filter.MatchString(out) {
		return "", false, nil
	}
	if r.pattern != nil {
		if r.global {
			out = r.pattern.ReplaceAllString(out, r.repl)
		} else if m := r.pattern.FindStringSubmatchIndex(out); m != nil {
			dst := r.pattern.ExpandString(nil, r.repl, out, m)
			out = out[:m[0]] + string(dst) + out[m[1]:]
		}
	}
	if r.lower {
		out = strings.ToLower(out)
	}
	return out, true, nil
}

// ShortName maps a Kerberos principal to a user name with the policy's
// auth_to_local rules (backends.kerberos.auth_to_local), trying them in
// order as Hadoop does; the first that applies wins. DEFAULT maps a
// principal of the policy's realm (of any realm when kerberos.realm is
// empty) to its first component. A name without realm or host is returned
// as it is. A result that still holds @ or / is an error, as in Hadoop.
func (p *Policy) ShortName(principal string) (string, error) {
	if principal == "" {
		return "", fmt.Errorf("empty principal")
	}
	name, realm, hasRealm := principal, "", false
	if i := strings.LastIndexByte(principal, '@'); i >= 0 {
		name, realm, hasRealm = principal[:i], principal[i+1:], true
	}
	comps := strings.Split(name, "/")
	for _, c := range comps {
		if c == "" {
			return "", fmt.Errorf("malformed principal %q", principal)
		}
	}
	if !hasRealm && len(comps) == 1 {
		return name, nil
	}
	rules := p.Backends.Kerberos.AuthToLocal
	if len(rules) == 0 {
		rules = []string{"DEFAULT"}
	}
	for _, text := range rules {
		r, err := parseRule(text)
		if err != nil {
			return "", err
		}
		out, ok, err := r.apply(realm, comps, p.Backends.Kerberos.Realm)
		if err != nil {
			return "", err
		}
		if !ok {
			continue
		}
		if out == "" || strings.ContainsAny(out, "@/") {
			return "", fmt.Errorf("principal %s: rule %s gives %q, which is not a simple user name", principal, text, out)
		}
		return out, nil
	}
	return "", fmt.Errorf("no auth_to_local rule applies to principal %s (backends.kerberos.auth_to_local)", principal)
}
