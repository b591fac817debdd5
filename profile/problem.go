package profile

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a policy, at a place in its file.
type Problem struct {
	File string `json:"file" yaml:"file"`
	Line int    `json:"line" yaml:"line"` // 1-based; 0 when the place is unknown
	Col  int    `json:"col" yaml:"col"`
	Msg  string `json:"msg" yaml:"msg"`
	Hint string `json:"hint,omitempty" yaml:"hint,omitempty"`
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", p.Line, p.Col)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	if p.Hint != "" {
		b.WriteString(" (hint: ")
		b.WriteString(p.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Problems is every problem found in one policy, in file order. It is the
// error Parse and Load return for an invalid policy.
type Problems []Problem

// Error gives one "file:line:col: msg (hint: ...)" per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sorted orders problems by position, then message, and drops exact
// duplicates, so output is stable.
func (ps Problems) sorted() Problems {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Msg < b.Msg
	})
	out := ps[:0]
	for i, p := range ps {
		if i > 0 && p == ps[i-1] {
			continue
		}
		out = append(out, p)
	}
	return out
}
