package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlctl/mlctl/internal/errs"
)

// Problem is one thing wrong in a config file (or an environment variable:
// File is then "MLCTL_KEY" and Line 0).
type Problem struct {
	File      string
	Line, Col int
	Key       string // the setting concerned, "" when none is known
	Msg, Hint string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	if p.Hint != "" {
		b.WriteString(" (hint: " + p.Hint + ")")
	}
	return b.String()
}

// Problems is every problem found, one per line in Error.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// RepairHint is the hint of a configuration error: mlctl config still runs.
const RepairHint = "fix the file in an editor, or run mlctl config set KEY VALUE / mlctl config unset KEY (mlctl config list shows every problem)"

// Err returns ps as a usage error (exit 2), or nil when there are none.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return errs.New(errs.Usage, ps, RepairHint)
}

// File is a parsed config file.
type File struct {
	Path   string
	Exists bool
	// Values holds the valid settings, as text.
	Values map[string]string
	// Lines says where each valid setting is (for messages).
	Lines map[string]int
	// Problems lists what is wrong; the settings concerned are not in Values.
	Problems Problems
	// Syntax is set when the file is not YAML at all (or not one mapping):
	// then it cannot be edited, only repaired by hand.
	Syntax bool

	doc *yaml.Node // the document node, for editing; nil when Syntax
}

// ReadFile reads and parses the config file at path. A missing file is an
// empty one; a file that cannot be read is an error.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{Path: path, Values: map[string]string{}, Lines: map[string]int{}}, nil
	}
	if err != nil {
		return nil, errs.New(errs.Error, fmt.Errorf("cannot read config file: %w", err),
			"check the permissions of "+path+" and its directories")
	}
	f := Parse(path, data)
	f.Exists = true
	return f, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse parses data as the config file path.
func Parse(path string, data []byte) *File {
	f := &File{Path: path, Values: map[string]string{}, Lines: map[string]int{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		// Empty, or only comments: no settings, but editable.
		f.doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
		if len(bytes.TrimSpace(data)) > 0 {
			// Keep the comments of a file that holds nothing else.
			var c yaml.Node
			if yaml.Unmarshal(data, &c) == nil && c.Kind == yaml.DocumentNode {
				f.doc.HeadComment = c.HeadComment
			}
		}
		return f
	}
	if err != nil {
		f.syntax(err, data)
		return f
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		f.Syntax = true
		f.add(Problem{File: path, Line: extra.Line, Col: extra.Column, Msg: "a second YAML document: a config file is one mapping of settings",
			Hint: "remove the '---' and what follows, or merge it into the first document"})
		return f
	} else if !errors.Is(err, io.EOF) {
		f.syntax(err, data)
		return f
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		// "~" or "null" alone: no settings.
		*root = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: root.HeadComment, LineComment: root.LineComment}
	}
	if root.Kind != yaml.MappingNode {
		f.Syntax = true
		f.add(Problem{File: path, Line: root.Line, Col: root.Column,
			Msg:  "the file must be a mapping of settings (key: value), not " + kindName(root),
			Hint: "write one setting per line, e.g. cluster: demo"})
		return f
	}
	f.doc = &doc
	f.check(root)
	return f
}

// syntax records a YAML syntax error. yaml.v3 gives its line only; a tab,
// the commonest mistake, is also given its column.
func (f *File) syntax(err error, data []byte) {
	f.Syntax = true
	p := Problem{File: f.Path, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: "),
		Hint: "a config file is lines of key: value, indented with spaces (never tabs)"}
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		p.Msg = "not valid YAML: " + m[2]
		lines := strings.Split(string(data), "\n")
		if strings.Contains(m[2], "tab") && p.Line <= len(lines) {
			p.Col = strings.IndexByte(lines[p.Line-1], '\t') + 1
		}
	}
	f.add(p)
}

func (f *File) add(p Problem) { f.Problems = append(f.Problems, p) }

// check validates every key and value of the top-level mapping.
func (f *File) check(m *yaml.Node) {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn, vn := m.Content[i], m.Content[i+1]
		if vn.Kind == yaml.AliasNode && vn.Alias != nil {
			vn = vn.Alias
		}
		if kn.Kind != yaml.ScalarNode {
			f.add(Problem{File: f.Path, Line: kn.Line, Col: kn.Column, Msg: "a key must be a plain name, not " + kindName(kn)})
			continue
		}
		name := kn.Value
		k, ok := Lookup(name)
		if !ok {
			f.add(Problem{File: f.Path, Line: kn.Line, Col: kn.Column, Key: name,
				Msg: fmt.Sprintf("unknown setting %q", name), Hint: UnknownKeyHint(name)})
			continue
		}
		if line, dup := seen[name]; dup {
			f.add(Problem{File: f.Path, Line: kn.Line, Col: kn.Column, Key: name,
				Msg: fmt.Sprintf("%s is set twice (first on line %d)", name, line), Hint: "keep one of the two lines"})
			delete(f.Values, name)
			continue
		}
		seen[name] = kn.Line
		if vn.Kind == yaml.ScalarNode && vn.Tag == "!!null" {
			continue // "cluster:" with no value: not set
		}
		v, err := value(k, vn)
		if err == nil && k.Path {
			err = checkPath(v)
		}
		if err != nil {
			f.add(Problem{File: f.Path, Line: vn.Line, Col: vn.Column, Key: name, Msg: name + ": " + err.Error(), Hint: valueHint(k)})
			continue
		}
		f.Values[name] = v
		f.Lines[name] = kn.Line
	}
}

// value returns a node's text for k, or why it is the wrong type.
func value(k Key, n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("must be %s, not %s", k.Type, kindName(n))
	}
	if k.Type == Bool && n.Tag != "!!bool" {
		return "", fmt.Errorf("must be true or false, not %q", n.Value)
	}
	if k.Type == Bool {
		var b bool
		if err := n.Decode(&b); err != nil {
			return "", fmt.Errorf("must be true or false, not %q", n.Value)
		}
		return strconv.FormatBool(b), nil
	}
	if err := k.Check(n.Value); err != nil {
		return "", err
	}
	return n.Value, nil
}

func checkPath(v string) error {
	if strings.HasPrefix(v, "~/") || filepath.IsAbs(v) {
		return nil
	}
	return fmt.Errorf("%q is a relative path: a config file needs an absolute one", v)
}

func valueHint(k Key) string {
	switch {
	case k.Type == Bool:
		return "write " + k.Name + ": true or " + k.Name + ": false"
	case k.Name == "backend":
		return "write backend: local or backend: yarn"
	case k.Name == "output":
		return "write output: table, json or yaml"
	case k.Path:
		return "write the full path, e.g. " + k.Name + ": /home/you/you.keytab or ~/you.keytab"
	}
	return k.Name + " is " + k.Help
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "an alias"
}

// ExpandHome turns ~/x into $HOME/x.
func ExpandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, rest)
		}
	}
	return p
}
