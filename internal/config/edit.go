package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/mlctl/mlctl/internal/errs"
)

// Modes of the files config set writes: the user's own file is private (it
// may name a keytab); the system file must be readable by every user.
const (
	UserFileMode   fs.FileMode = 0o600
	UserDirMode    fs.FileMode = 0o700
	SystemFileMode fs.FileMode = 0o644
	SystemDirMode  fs.FileMode = 0o755
)

// Set writes key: value into the file at path, creating it (and its
// directories) when missing. The file's node tree is edited, so comments,
// the order of keys and other settings stay as they were; the key's old
// value (even one of the wrong type) is replaced in place. An unknown key
// or a value the flag would refuse is a usage error; a file that is not YAML
// is refused (it is repaired by hand, not rewritten).
func Set(path, key, value string, fileMode, dirMode fs.FileMode) error {
	k, ok := Lookup(key)
	if !ok {
		return errs.New(errs.Usage, fmt.Errorf("unknown setting %q", key), UnknownKeyHint(key))
	}
	if err := k.Check(value); err != nil {
		return errs.New(errs.Usage, fmt.Errorf("%s: %v", key, err), valueHint(k))
	}
	value = k.Normalize(value)
	if k.Path {
		abs, err := filepath.Abs(ExpandHome(value))
		if err != nil {
			return err
		}
		value = abs
	}
	f, err := editable(path)
	if err != nil {
		return err
	}
	m := f.doc.Content[0]
	tag := "!!str"
	if k.Type == Bool {
		tag = "!!bool"
	}
	found := false
	for i := 0; i+1 < len(m.Content); {
		kn, vn := m.Content[i], m.Content[i+1]
		if kn.Kind != yaml.ScalarNode || kn.Value != key {
			i += 2
			continue
		}
		if found { // a duplicate: drop it, the first one holds the value
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			continue
		}
		found = true
		unalias(m, vn)
		// Keep the value node's comments; replace what it holds.
		*vn = yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value,
			HeadComment: vn.HeadComment, LineComment: vn.LineComment, FootComment: vn.FootComment}
		i += 2
	}
	if !found {
		m.Content = append(m.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value})
	}
	return write(path, f.doc, fileMode, dirMode)
}

// Unset removes key from the file at path and reports whether it was there.
// Any key can be removed, a mistyped one too: that is how a user repairs a
// file with an unknown key.
func Unset(path, key string, fileMode, dirMode fs.FileMode) (bool, error) {
	f, err := editable(path)
	if err != nil || !f.Exists {
		return false, err
	}
	m := f.doc.Content[0]
	removed := false
	for i := 0; i+1 < len(m.Content); {
		if kn := m.Content[i]; kn.Kind == yaml.ScalarNode && kn.Value == key {
			unalias(m, m.Content[i+1])
			// A comment above the removed line goes with it only if it is
			// the key's own (yaml.v3 attaches it to the key node).
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			removed = true
			continue
		}
		i += 2
	}
	if !removed {
		return false, nil
	}
	return true, write(path, f.doc, fileMode, dirMode)
}

// unalias gives every alias of n in the mapping m (*a of an &a value) its
// own copy of n, so that changing or removing n changes no other setting.
func unalias(m, n *yaml.Node) {
	if n.Anchor == "" {
		return
	}
	for _, other := range m.Content {
		if other.Kind == yaml.AliasNode && other.Alias == n {
			cp := *n
			cp.Anchor = ""
			*other = cp
		}
	}
}

// editable reads path for editing; a file that is not YAML is refused.
func editable(path string) (*File, error) {
	f, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	if f.Syntax {
		return nil, errs.New(errs.Usage, fmt.Errorf("cannot edit %s: %w", path, f.Problems),
			"fix it in an editor first, or move it away and run config set again to start a new file")
	}
	if f.doc == nil {
		f.doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	return f, nil
}

// write encodes doc and replaces path atomically: a temporary file in the
// same directory, written, fsynced and renamed over the old one, then the
// directory fsynced. A symlinked file is written through the link.
func write(path string, doc *yaml.Node, fileMode, dirMode fs.FileMode) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	if err := enc.Close(); err != nil {
		return err
	}
	data := buf.Bytes()
	if bytes.Equal(bytes.TrimSpace(data), []byte("{}")) {
		data = nil // the last setting removed: an empty file, not "{}"
	}
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return writeErr(path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return writeErr(path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(fileMode); err != nil {
		return writeErr(path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return writeErr(path, err)
	}
	if err := tmp.Sync(); err != nil {
		return writeErr(path, err)
	}
	if err := tmp.Close(); err != nil {
		return writeErr(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return writeErr(path, err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func writeErr(path string, err error) error {
	hint := "check that you can write " + filepath.Dir(path)
	if errors.Is(err, fs.ErrPermission) {
		hint = "you may not write " + path + " (the system file needs root: sudo mlctl config set --system ...)"
	}
	return errs.New(errs.Error, fmt.Errorf("cannot write config file: %w", err), hint)
}
