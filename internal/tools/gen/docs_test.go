package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/tools/cmdtree"
)

const regenerate = "run: make docs (go run ./internal/tools/gen docs docs)"

func isolatedRoot(t *testing.T) map[string][]byte {
	t.Helper()
	if err := cmdtree.Isolate(t.TempDir(), func(k, v string) error { t.Setenv(k, v); return nil }); err != nil {
		t.Fatal(err)
	}
	files, err := Docs(cmdtree.Root())
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestDocsUpToDate regenerates docs/cli and docs/man in memory and fails
// when a committed page differs, is missing, or documents a command that
// no longer exists.
func TestDocsUpToDate(t *testing.T) {
	want := isolatedRoot(t)
	docsDir := filepath.Join("..", "..", "..", "docs")
	got, err := Existing(docsDir)
	if err != nil {
		t.Fatal(err)
	}
	for rel, data := range want {
		old, ok := got[rel]
		switch {
		case !ok:
			t.Errorf("docs/%s is missing; %s", rel, regenerate)
		case !bytes.Equal(old, data):
			t.Errorf("docs/%s is stale; %s", rel, regenerate)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("docs/%s documents no command; %s", rel, regenerate)
		}
	}
}

// TestDocsContent: one Markdown and one man page per visible command, the
// flags' help in them, no generation date, no hidden commands.
func TestDocsContent(t *testing.T) {
	files := isolatedRoot(t)
	if c, _, err := cmdtree.Root().Find([]string{"engine", "node"}); err != nil || c.Name() != "node" || !c.Parent().Hidden {
		t.Fatalf("the tree lacks the hidden engine group cmd/mlctl adds (%v), so the check below proves nothing", err)
	}
	for _, rel := range []string{"cli/mlctl.md", "cli/mlctl_cluster_launch.md", "cli/mlctl_completion.md", "man/mlctl.1", "man/mlctl-cluster-launch.1"} {
		if _, ok := files[rel]; !ok {
			t.Errorf("no %s among %d files", rel, len(files))
		}
	}
	launch := string(files["cli/mlctl_cluster_launch.md"])
	for _, want := range []string{"--nodes", "--memory", "--queue", "number of engine nodes", "[mlctl cluster](mlctl_cluster.md)"} {
		if !strings.Contains(launch, want) {
			t.Errorf("cli/mlctl_cluster_launch.md lacks %q", want)
		}
	}
	if !strings.Contains(string(files["cli/mlctl.md"]), "--version") {
		t.Errorf("cli/mlctl.md lacks --version")
	}
	man := string(files["man/mlctl-cluster-launch.1"])
	if !strings.HasPrefix(man, ".nh\n.TH \"MLCTL-CLUSTER-LAUNCH\" \"1\" \"\" \"mlctl\" \"mlctl manual\"") {
		t.Errorf("man page header: %.100q", man)
	}
	var names []string
	for rel, data := range files {
		names = append(names, rel)
		// The hidden engine group (mlctl engine node, engine am) and cobra's __complete.
		if strings.HasPrefix(rel, "cli/mlctl_engine") || strings.HasPrefix(rel, "man/mlctl-engine") || strings.Contains(rel, "complete") && !strings.Contains(rel, "completion") {
			t.Errorf("hidden command documented: %s", rel)
		}
		if bytes.Contains(data, []byte("Auto generated")) {
			t.Errorf("%s carries cobra's dated auto-generated tag", rel)
		}
	}
	slices.Sort(names)
	md, man1 := 0, 0
	for _, n := range names {
		if strings.HasSuffix(n, ".md") {
			md++
		} else {
			man1++
		}
	}
	if md != man1 || md < 30 {
		t.Errorf("%d Markdown and %d man pages", md, man1)
	}
}

// TestWriteDocs: unchanged pages are left alone, changed ones replaced, and
// the page of a command that is gone removed; other files stay.
func TestWriteDocs(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "cli"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"cli/mlctl_gone.md": "old", "cli/README.txt": "keep", "cli/mlctl.md": "old"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string][]byte{"cli/mlctl.md": []byte("new"), "man/mlctl.1": []byte(".TH x")}
	if err := WriteDocs(dir, files); err != nil {
		t.Fatal(err)
	}
	got, err := Existing(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got["cli/mlctl.md"]) != "new" || string(got["man/mlctl.1"]) != ".TH x" {
		t.Errorf("after WriteDocs: %q", got)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "cli/README.txt")); err != nil || string(b) != "keep" {
		t.Errorf("a file that is not a generated page was touched: %q %v", b, err)
	}
}
