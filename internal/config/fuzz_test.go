package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mlctl/mlctl/internal/config"
)

// FuzzParseAndSet: Parse never panics; what it accepts is a known key with
// a value its flag accepts; and Set on any file it can edit keeps every other
// valid setting and adds the new one.
func FuzzParseAndSet(f *testing.F) {
	for _, seed := range []string{
		"", "# c\n", "cluster: demo\n", "cluster: demo # c\nbackend: yarn\n",
		"output: [json]\n", "clustr: x\n", "no_color: true\nno_color: false\n",
		"- a\n", "a: b: c\n", "cluster: &x demo\nqueue: *x\n", "queue: &x demo\ncluster: *x\n", "cluster: &x demo\nqueue: *x\n ", "{cluster: demo, output: yaml}\n",
		"cluster: demo\n---\nx: 1\n", "\tcluster: demo\n", "keytab: /k\nprincipal: a@B\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := config.Parse("f.yaml", data)
		for k, v := range p.Values {
			key, ok := config.Lookup(k)
			if !ok {
				t.Fatalf("unknown key %q accepted", k)
			}
			if err := key.Check(v); err != nil {
				t.Fatalf("%s: %q accepted but the flag refuses it: %v", k, v, err)
			}
		}
		if p.Syntax {
			return
		}
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		key := []string{"queue", "cluster"}[len(data)%2]
		if err := config.Set(path, key, "fuzz-v", config.UserFileMode, config.UserDirMode); err != nil {
			t.Fatalf("set on an editable file: %v", err)
		}
		after, err := config.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if after.Values[key] != "fuzz-v" {
			t.Fatalf("%s not set: %v %v", key, after.Values, after.Problems)
		}
		for k, v := range p.Values {
			if k != key && after.Values[k] != v {
				t.Fatalf("%s was %q, after set %q", k, v, after.Values[k])
			}
		}
		if _, err := config.Unset(path, key, config.UserFileMode, config.UserDirMode); err != nil {
			t.Fatal(err)
		}
		after, err = config.ReadFile(path)
		if err != nil || after.Syntax {
			t.Fatalf("unset broke the file: %v %v", err, after.Problems)
		}
		if _, ok := after.Values[key]; ok {
			t.Fatalf("%s still set", key)
		}
		for k, v := range p.Values {
			if k != key && after.Values[k] != v {
				t.Fatalf("%s was %q, after unset %q", k, v, after.Values[k])
			}
		}
	})
}
