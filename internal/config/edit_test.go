package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/config"
	"github.com/mlctl/mlctl/internal/errs"
)

func set(t *testing.T, path, key, value string) {
	t.Helper()
	if err := config.Set(path, key, value, config.UserFileMode, config.UserDirMode); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSetKeepsComments(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, `# Settings for the analytics gateway.
# Ask ops before changing the queue.

cluster: demo # the shared one
# where clusters run
backend: local

queue: analytics # ops said so
`)
	set(t, path, "backend", "yarn")
	set(t, path, "output", "json")
	set(t, path, "cluster", "prod")
	got := read(t, path)
	want := `# Settings for the analytics gateway.
# Ask ops before changing the queue.

cluster: prod # the shared one
# where clusters run
backend: yarn
queue: analytics # ops said so
output: json
`
	if got != want {
		t.Errorf("file after set:\n%s\nwant:\n%s", got, want)
	}
	if f := config.Parse(path, []byte(got)); f.Problems != nil {
		t.Error(f.Problems)
	}
}

// Values that YAML would read as numbers or booleans are quoted, so they
// come back as the same text.
func TestSetQuotesWhatNeedsIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	set(t, path, "cluster", "007")
	set(t, path, "queue", "true")
	set(t, path, "no_color", "1")
	f, _ := config.ReadFile(path)
	if f.Problems != nil || f.Values["cluster"] != "007" || f.Values["queue"] != "true" || f.Values["no_color"] != "true" {
		t.Errorf("%s\n%v %v", read(t, path), f.Values, f.Problems)
	}
}

func TestSetIsAtomicAndPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "xdg", "mlctl")
	path := filepath.Join(dir, "config.yaml")
	set(t, path, "cluster", "first")
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", p, st.Mode().Perm(), err, want)
		}
	}
	// Replaced by a rename, not rewritten in place: a reader holding the
	// old file still reads the old content whole.
	old, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	os.Chmod(path, 0o644) // a hand-loosened mode is made private again
	set(t, path, "cluster", "second")
	buf := make([]byte, 100)
	n, _ := old.Read(buf)
	if string(buf[:n]) != "cluster: first\n" {
		t.Errorf("the old file was changed in place: %q", buf[:n])
	}
	if read(t, path) != "cluster: second\n" {
		t.Errorf("new file: %q", read(t, path))
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after set", st.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func TestSetFailureLeavesFileAlone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, "cluster: demo\n")
	// A file that cannot be written (its "directory" is a regular file;
	// modes would not stop root, who runs these tests in CI).
	if err := config.Set(filepath.Join(path, "sub.yaml"), "cluster", "x", config.UserFileMode, config.UserDirMode); err == nil {
		t.Fatal("set under a regular file worked")
	}
	if read(t, path) != "cluster: demo\n" {
		t.Error("the file changed")
	}
	for _, c := range []struct{ key, value, want string }{
		{"output", "xml", `output: "xml" is not one of table, json, yaml`},
		{"clustr", "demo", `unknown setting "clustr"`},
		{"no_color", "perhaps", "not true or false"},
	} {
		err := config.Set(path, c.key, c.value, config.UserFileMode, config.UserDirMode)
		if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), c.want) {
			t.Errorf("set %s %s: %v", c.key, c.value, err)
		}
	}
	if read(t, path) != "cluster: demo\n" {
		t.Error("a refused set changed the file")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("files left: %v", ents)
	}
}

// config set repairs the key that broke the file; a file that is not YAML
// is refused, never rewritten.
func TestSetRepairs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, "output:   # was a list\n  - xml\nclustr: demo\n")
	set(t, path, "output", "json")
	if removed, err := config.Unset(path, "clustr", config.UserFileMode, config.UserDirMode); err != nil || !removed {
		t.Fatal(removed, err)
	}
	f, _ := config.ReadFile(path)
	if f.Problems != nil || f.Values["output"] != "json" {
		t.Errorf("%q: %v", read(t, path), f.Problems)
	}
	if !strings.Contains(read(t, path), "# was a list") {
		t.Errorf("comment lost: %q", read(t, path))
	}

	broken := "cluster: demo\noutput: [json\n"
	writeFile(t, path, broken)
	err := config.Set(path, "output", "json", config.UserFileMode, config.UserDirMode)
	if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), "not valid YAML") {
		t.Errorf("set on a broken file: %v", err)
	}
	if read(t, path) != broken {
		t.Error("a file that is not YAML was rewritten")
	}
}

func TestUnset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if removed, err := config.Unset(path, "cluster", config.UserFileMode, config.UserDirMode); err != nil || removed {
		t.Errorf("unset in a missing file: %v %v", removed, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("unset created the file")
	}
	writeFile(t, path, "# top\ncluster: demo\nbackend: yarn\n")
	if removed, _ := config.Unset(path, "cluster", config.UserFileMode, config.UserDirMode); !removed {
		t.Error("not removed")
	}
	if removed, _ := config.Unset(path, "cluster", config.UserFileMode, config.UserDirMode); removed {
		t.Error("removed twice")
	}
	got := read(t, path)
	if strings.Contains(got, "cluster") || !strings.Contains(got, "backend: yarn") {
		t.Errorf("%q", got)
	}
	config.Unset(path, "backend", config.UserFileMode, config.UserDirMode)
	if f, _ := config.ReadFile(path); f.Problems != nil || len(f.Values) != 0 {
		t.Errorf("%q %v", read(t, path), f.Problems)
	}
}

func TestSetThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "mlctl.yaml")
	writeFile(t, real, "cluster: a\n")
	link := filepath.Join(dir, "config.yaml")
	os.Symlink(real, link)
	set(t, link, "cluster", "b")
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a file")
	}
	if read(t, real) != "cluster: b\n" {
		t.Errorf("%q", read(t, real))
	}
}

func TestSetMakesPathsAbsolute(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	t.Chdir(dir)
	set(t, path, "keytab", "alice.keytab")
	f, _ := config.ReadFile(path)
	if f.Values["keytab"] != filepath.Join(dir, "alice.keytab") {
		t.Errorf("keytab %q", f.Values["keytab"])
	}
}

// Changing a value others alias changes only that key.
func TestSetAnchoredValue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, path, "cluster: &shared demo\nqueue: *shared\n")
	set(t, path, "cluster", "prod")
	f, _ := config.ReadFile(path)
	if f.Problems != nil || f.Values["cluster"] != "prod" || f.Values["queue"] != "demo" {
		t.Errorf("%q: %v %v", read(t, path), f.Values, f.Problems)
	}
	writeFile(t, path, "cluster: &shared demo\nqueue: *shared\n")
	config.Unset(path, "cluster", config.UserFileMode, config.UserDirMode)
	f, _ = config.ReadFile(path)
	if f.Problems != nil || f.Values["queue"] != "demo" || len(f.Values) != 1 {
		t.Errorf("unset: %q: %v %v", read(t, path), f.Values, f.Problems)
	}
}
