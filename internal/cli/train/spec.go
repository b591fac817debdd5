package train

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/textdist"
	"gopkg.in/yaml.v3"
)

// LoadSpec reads a --spec file. See ParseSpec.
func LoadSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errs.New(errs.NotFound, fmt.Errorf("spec file %s: no such file", path), "")
		}
		return nil, fmt.Errorf("reading spec file: %w", err)
	}
	return ParseSpec(filepath.Base(path), b)
}

// ParseSpec reads a spec: a YAML mapping whose keys are the flags' names
// with '_' for '-' (max_depth: 6). An unknown key, a value of the wrong
// type, a key given twice or broken YAML is a usage error naming
// name:line. A null value (key: or key: ~) counts as not given.
func ParseSpec(name string, b []byte) (*Spec, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, cmdutil.UsageError(yamlError(name, err))
	}
	s := &Spec{}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, cmdutil.UsageErrorf("%s: the spec is empty; it needs at least algo, frame and target", name)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, cmdutil.UsageErrorf("%s:%d: a spec is a mapping of keys to values (algo: gbm, frame: train, target: y), not %s",
			name, root.Line, kindName(root))
	}
	v := reflect.ValueOf(s).Elem()
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, val := root.Content[i], root.Content[i+1]
		at := fmt.Sprintf("%s:%d", name, k.Line)
		if k.Kind != yaml.ScalarNode {
			return nil, cmdutil.UsageErrorf("%s: keys must be plain names", at)
		}
		key := k.Value
		idx, ok := specFields[key]
		if !ok {
			msg := fmt.Sprintf("%s: unknown key %q", at, key)
			if sug := suggest(key); sug != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", sug)
			}
			return nil, errs.New(errs.Usage, errors.New(msg), "the keys are the flags of mlctl train gbm|glm with _ for -, e.g. max_depth; see mlctl train --help")
		}
		if first, dup := seen[key]; dup {
			return nil, cmdutil.UsageErrorf("%s: %s is given twice (first on line %d)", at, key, first)
		}
		seen[key] = k.Line
		if val.Tag == "!!null" {
			continue
		}
		f := v.Field(idx)
		if err := decodeValue(val, f); err != nil {
			return nil, cmdutil.UsageErrorf("%s: %s: %s", at, key, err)
		}
		s.setSource(key, fmt.Sprintf("%s: %s", at, key))
	}
	return s, nil
}

// decodeValue decodes node into f, checking its YAML type first so that the
// message says what was wanted ("want a whole number, got \"many\"").
func decodeValue(node *yaml.Node, f reflect.Value) error {
	t := f.Type()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := ""
	switch t.Kind() {
	case reflect.String:
		want = "a string"
		if node.Kind != yaml.ScalarNode {
			return fmt.Errorf("want %s, got %s", want, kindName(node))
		}
	case reflect.Bool:
		want = "true or false"
	case reflect.Int, reflect.Int64:
		want = "a whole number"
	case reflect.Float64:
		want = "a number"
	case reflect.Slice:
		want = "a list of strings, e.g. [a, b]"
		if node.Kind != yaml.SequenceNode {
			return fmt.Errorf("want %s, got %s", want, kindName(node))
		}
		// Column names are taken as written: a column may be called 2024.
		list := make([]string, 0, len(node.Content))
		for _, item := range node.Content {
			if item.Kind != yaml.ScalarNode || item.Tag == "!!null" {
				return fmt.Errorf("want %s; line %d holds %s", want, item.Line, kindName(item))
			}
			list = append(list, item.Value)
		}
		f.Set(reflect.ValueOf(list))
		return nil
	}
	if node.Kind != yaml.ScalarNode {
		return fmt.Errorf("want %s, got %s", want, kindName(node))
	}
	// A quoted number ("200") is a string in YAML; say so rather than
	// guess what was meant.
	if node.Kind == yaml.ScalarNode && node.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && t.Kind() != reflect.String {
		return fmt.Errorf("want %s, got the string %q", want, node.Value)
	}
	if t.Kind() == reflect.String && node.Tag != "!!str" {
		// 0.5 or true where a name is wanted: take the text as written.
		p := reflect.New(t)
		p.Elem().SetString(node.Value)
		setField(f, p)
		return nil
	}
	// yaml.v3 would truncate 2.5 into an int; a whole number must be one.
	if t.Kind() == reflect.Int || t.Kind() == reflect.Int64 {
		if node.Tag != "!!int" {
			return fmt.Errorf("want %s, got %q", want, node.Value)
		}
	}
	p := reflect.New(t)
	if err := node.Decode(p.Interface()); err != nil {
		return fmt.Errorf("want %s, got %q", want, node.Value)
	}
	setField(f, p)
	return nil
}

// setField stores *p in f, or p itself when f is a pointer field.
func setField(f reflect.Value, p reflect.Value) {
	if f.Kind() == reflect.Pointer {
		f.Set(p)
		return
	}
	f.Set(p.Elem())
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "a document"
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns "yaml: line 3: mapping values are not allowed in this
// context" into "gbm.yaml:3: mapping values are not allowed in this context".
func yamlError(name string, err error) error {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s", name, m[1], m[2])
	}
	return fmt.Errorf("%s: %v", name, err)
}

// suggest returns the known key closest to key (at most two edits away).
func suggest(key string) string {
	best, bestD := "", 3
	for _, k := range Keys() {
		if d := textdist.Levenshtein(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}
