package completions_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/completions"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cli/root"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/tools/cmdtree"
)

// TestScriptsUpToDate regenerates the committed scripts and fails when one
// differs: the command tree or cobra changed and nobody regenerated them.
func TestScriptsUpToDate(t *testing.T) {
	if err := cmdtree.Isolate(t.TempDir(), func(k, v string) error { t.Setenv(k, v); return nil }); err != nil {
		t.Fatal(err)
	}
	want, err := completions.Scripts(cmdtree.Root())
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != len(completions.Shells) {
		t.Fatalf("%d scripts for %d shells", len(want), len(completions.Shells))
	}
	for name, data := range want {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("completions/%s: %v; run: make completions (or go generate ./completions)", name, err)
			continue
		}
		if !bytes.Equal(got, data) {
			t.Errorf("completions/%s is stale; run: make completions (or go generate ./completions)", name)
		}
	}
}

func TestCompletionCommand(t *testing.T) {
	for shell, head := range map[string]string{
		"bash":       "# bash completion V2 for mlctl",
		"zsh":        "#compdef mlctl",
		"fish":       "# fish completion for mlctl",
		"powershell": "# powershell completion for mlctl",
	} {
		f, ios := clitest.Factory(clitest.NewBackend("local"), nil)
		if err := clitest.Exec(root.NewCmdRoot(f), "completion", shell); err != nil {
			t.Fatalf("%s: %v", shell, err)
		}
		out := clitest.Out(ios)
		if !strings.HasPrefix(out, head) || !strings.Contains(out, "__complete") {
			t.Errorf("%s: script starts %.60q, want %q and a call of __complete", shell, out, head)
		}
	}
	f, ios := clitest.Factory(clitest.NewBackend("local"), nil)
	if err := clitest.Exec(root.NewCmdRoot(f), "completion", "zsh", "--no-descriptions"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(clitest.Out(ios), "__completeNoDesc") {
		t.Errorf("zsh --no-descriptions does not ask for bare candidates")
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
		err := clitest.Exec(root.NewCmdRoot(f), args...)
		if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), "bash, zsh, fish, powershell") {
			t.Errorf("%q: code %d, %v; want a usage error naming the shells", args, errs.Code(err), err)
		}
	}
}
