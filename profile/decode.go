package profile

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl/internal/textdist"
	"gopkg.in/yaml.v3"
)

// decoder walks the yaml.Node tree of a policy, filling a Policy and
// collecting every problem instead of stopping at the first.
type decoder struct {
	file string
	pos  positions
	ps   Problems
	// bad holds the places of values the schema refused, so validation does
	// not report a second, derived problem at the same place.
	bad map[position]bool
}

// field is one known key of a mapping and what to do with its value.
type field struct {
	key string
	set func(v *yaml.Node, path string)
}

func (d *decoder) problem(n *yaml.Node, msg, hint string) {
	line, col := 1, 1
	if n != nil && n.Line > 0 {
		line, col = n.Line, n.Column
	}
	if d.bad == nil {
		d.bad = map[position]bool{}
	}
	d.bad[position{line, col}] = true
	d.ps = append(d.ps, Problem{File: d.file, Line: line, Col: col, Msg: msg, Hint: hint})
}

func (d *decoder) problemAt(path, msg, hint string) {
	at := d.pos.at(path)
	if d.bad[at] {
		return
	}
	d.ps = append(d.ps, Problem{File: d.file, Line: at.line, Col: at.col, Msg: msg, Hint: hint})
}

func (d *decoder) mark(n *yaml.Node, path string) {
	if n != nil && n.Line > 0 {
		d.pos[path] = position{n.Line, n.Column}
	}
}

// kindName says what a node is, for "want X, got Y" messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return "a boolean (" + n.Value + ")"
		case "!!int":
			return "a number (" + n.Value + ")"
		case "!!float":
			return "a number (" + n.Value + ")"
		}
		return fmt.Sprintf("the string %q", n.Value)
	}
	return "something else"
}

// usable refuses aliases and merge keys (a policy is read by people; every
// value is written where it applies) and reports it.
func (d *decoder) usable(n *yaml.Node, path string) bool {
	if n.Kind == yaml.AliasNode {
		d.problem(n, path+": YAML aliases (*name) are not allowed in a policy", "write the value out in full")
		return false
	}
	return true
}

// mapping checks n is a mapping and hands each known key's value to its
// field; unknown and repeated keys are problems.
func (d *decoder) mapping(n *yaml.Node, path string, fields []field) {
	if !d.usable(n, path) {
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // "key:" with nothing under it: all defaults
	}
	if n.Kind != yaml.MappingNode {
		d.problem(n, fmt.Sprintf("%s: want a mapping (key: value lines), got %s", orTop(path), kindName(n)), "")
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.problem(k, fmt.Sprintf("%s: a key must be a plain name, got %s", orTop(path), kindName(k)), "")
			continue
		}
		if k.Value == "<<" && k.Tag == "!!merge" {
			d.problem(k, orTop(path)+": YAML merge keys (<<) are not allowed in a policy", "write the keys out in full")
			continue
		}
		kp := join(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			d.problem(k, fmt.Sprintf("%s is given twice (first at line %d)", kp, first.Line), "remove one of them")
			continue
		}
		seen[k.Value] = k
		var f *field
		for j := range fields {
			if fields[j].key == k.Value {
				f = &fields[j]
				break
			}
		}
		if f == nil {
			known := make([]string, len(fields))
			for j := range fields {
				known[j] = fields[j].key
			}
			d.problem(k, fmt.Sprintf("unknown key %q in %s", k.Value, orTop(path)), suggest(k.Value, known))
			continue
		}
		d.mark(v, kp)
		if d.usable(v, kp) {
			f.set(v, kp)
		}
	}
}

func orTop(path string) string {
	if path == "" {
		return "the policy"
	}
	return path
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) scalar(n *yaml.Node, path, want string) bool {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.problem(n, fmt.Sprintf("%s: want %s, got %s", path, want, kindName(n)), "")
		return false
	}
	return true
}

func (d *decoder) str(dst *string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		if !d.scalar(n, path, "a string") {
			return
		}
		if n.Tag == "!!bool" {
			d.problem(n, fmt.Sprintf("%s: want a string, got %s", path, kindName(n)), fmt.Sprintf("quote it: \"%s\"", n.Value))
			return
		}
		*dst = n.Value
	}
}

func (d *decoder) boolean(dst *bool) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		if !d.scalar(n, path, "true or false") {
			return
		}
		if n.Tag != "!!bool" {
			d.problem(n, fmt.Sprintf("%s: want true or false, got %s", path, kindName(n)), "write true or false")
			return
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			d.problem(n, fmt.Sprintf("%s: want true or false, got %s", path, kindName(n)), "write true or false")
			return
		}
		*dst = b
	}
}

// integer reads a whole number; nonNeg refuses negative ones.
func (d *decoder) integer(dst *int, nonNeg bool) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		if !d.scalar(n, path, "a whole number") {
			return
		}
		v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 32)
		if n.Tag != "!!int" || err != nil {
			d.problem(n, fmt.Sprintf("%s: want a whole number, got %s", path, kindName(n)), "write a number such as 4, without quotes or units")
			return
		}
		if nonNeg && v < 0 {
			d.problem(n, fmt.Sprintf("%s: must not be negative, got %d", path, v), "write 0 or more")
			return
		}
		*dst = int(v)
	}
}

func (d *decoder) bytes(dst *int64) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		if !d.scalar(n, path, "a size such as 1Gi") {
			return
		}
		if strings.HasPrefix(strings.TrimSpace(n.Value), "-") {
			d.problem(n, fmt.Sprintf("%s: a size must not be negative, got %s", path, n.Value), "write a size such as 512Mi or 1Gi")
			return
		}
		b, err := ParseBytes(n.Value)
		if err != nil || n.Tag == "!!float" {
			if err == nil {
				err = fmt.Errorf("a size in bytes must be whole, got %s", n.Value)
			}
			d.problem(n, fmt.Sprintf("%s: %v", path, err), sizeHint(n.Value))
			return
		}
		*dst = b
	}
}

func (d *decoder) duration(dst *time.Duration) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		if !d.scalar(n, path, "a duration such as 30m") {
			return
		}
		if n.Tag == "!!int" && n.Value != "0" {
			d.problem(n, fmt.Sprintf("%s: a duration needs a unit, got %s", path, n.Value),
				fmt.Sprintf("write %ss if you mean seconds; units are s, m, h and d (days); 0 means no limit", n.Value))
			return
		}
		v, err := ParseDuration(n.Value)
		if err != nil {
			d.problem(n, fmt.Sprintf("%s: %v", path, err), "write a duration such as 30m, 8h, 1h30m or 2d (units s, m, h, d); 0 means no limit")
			return
		}
		*dst = v
	}
}

// list reads a sequence of strings; a single string is refused with a hint,
// since "groups: interns" is a common slip for "groups: [interns]".
func (d *decoder) list(dst *[]string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		if n.Kind != yaml.SequenceNode {
			hint := ""
			if n.Kind == yaml.ScalarNode {
				hint = fmt.Sprintf("write a list: [%s]", n.Value)
			}
			d.problem(n, fmt.Sprintf("%s: want a list, got %s", path, kindName(n)), hint)
			return
		}
		out := []string{}
		for i, e := range n.Content {
			ep := fmt.Sprintf("%s[%d]", path, i)
			d.mark(e, ep)
			var s string
			if d.usable(e, ep) {
				d.str(&s)(e, ep)
			}
			if s == "" && e.Kind == yaml.ScalarNode && e.Tag != "!!null" {
				d.problem(e, ep+": empty name", "remove the entry")
			}
			out = append(out, s)
		}
		*dst = out
	}
}

// strMap reads a mapping of strings to strings (env).
func (d *decoder) strMap(dst *map[string]string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.problem(n, fmt.Sprintf("%s: want a mapping (NAME: value lines), got %s", path, kindName(n)), "")
			return
		}
		m := map[string]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				d.problem(k, fmt.Sprintf("%s: a key must be a plain name, got %s", path, kindName(k)), "")
				continue
			}
			kp := path + "." + k.Value
			if _, dup := m[k.Value]; dup {
				d.problem(k, kp+" is given twice", "remove one of them")
				continue
			}
			if !envName(k.Value) {
				d.problem(k, fmt.Sprintf("%s: %q is not an environment variable name", path, k.Value), "use letters, digits and _, not starting with a digit")
			}
			d.mark(v, kp)
			var s string
			if d.usable(v, kp) {
				d.str(&s)(v, kp)
			}
			m[k.Value] = s
		}
		*dst = m
	}
}

// listMap reads a mapping of names to lists of names (group_mapping).
func (d *decoder) listMap(dst *map[string][]string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.problem(n, fmt.Sprintf("%s: want a mapping (user: [groups] lines), got %s", path, kindName(n)), "")
			return
		}
		m := map[string][]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				d.problem(k, fmt.Sprintf("%s: a key must be a user name, got %s", path, kindName(k)), "")
				continue
			}
			kp := path + "." + k.Value
			if _, dup := m[k.Value]; dup {
				d.problem(k, kp+" is given twice", "merge the two lists")
				continue
			}
			d.mark(v, kp)
			var gs []string
			if d.usable(v, kp) {
				d.list(&gs)(v, kp)
			}
			if gs == nil {
				gs = []string{}
			}
			m[k.Value] = gs
		}
		*dst = m
	}
}

func envName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// suggest names the known key closest to an unknown one, or lists them.
func suggest(key string, known []string) string {
	best, bestD := "", 1<<30
	for _, k := range known {
		if dist := textdist.Levenshtein(strings.ToLower(key), k); dist < bestD {
			best, bestD = k, dist
		}
	}
	if best != "" && bestD <= max(2, len(key)/3) {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "known keys: " + strings.Join(known, ", ")
}
