package clitest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// EnvUpdateGolden, set to 1, makes Golden rewrite the golden files instead
// of comparing (MLCTL_UPDATE_GOLDEN=1 go test ./...). Review the diff.
const EnvUpdateGolden = "MLCTL_UPDATE_GOLDEN"

// Golden compares got with testdata/name, byte for byte. The files hold
// the exact output, ANSI escapes included, so `cat testdata/name` in a
// terminal shows what a user sees.
func Golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if os.Getenv(EnvUpdateGolden) == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with %s=1 go test)", err, EnvUpdateGolden)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (rewrite with %s=1 go test, then review the diff)\n got:\n%s\nwant:\n%s\n got (quoted): %s\nwant (quoted): %s",
			path, EnvUpdateGolden, got, want, quoteLines(got), quoteLines(string(want)))
	}
}

// quoteLines shows s one quoted line at a time, escapes visible.
func quoteLines(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString("\n  ")
			b.WriteString(strconv.Quote(l))
		}
	}
	return b.String()
}
