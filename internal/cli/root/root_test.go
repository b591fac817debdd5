package root

import (
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
)

func TestRootUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--bogus"},
		{"clustr"},
		{"cluster", "lunch"},
		{"frame", "nope"},
		{"version", "extra"},
	} {
		f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
		err := clitest.Exec(NewCmdRoot(f), args...)
		if errs.Code(err) != errs.Usage {
			t.Errorf("%v: code %d (%v)", args, errs.Code(err), err)
		}
	}
}

func TestRootFlags(t *testing.T) {
	f, ios := clitest.Factory(clitest.NewBackend("local"), nil)
	ios.SetStdoutTTY(true)
	ios.SetColorEnabled(true)
	if err := clitest.Exec(NewCmdRoot(f), "--no-color", "--verbose", "version"); err != nil {
		t.Fatal(err)
	}
	if ios.ColorEnabled() || !f.Verbose {
		t.Errorf("--no-color/--verbose not applied: colour %v verbose %v", ios.ColorEnabled(), f.Verbose)
	}
}

func TestRootHelpListsGroups(t *testing.T) {
	f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
	cmd := NewCmdRoot(f)
	if err := clitest.Exec(cmd); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	cmd.SetOut(&b)
	_ = cmd.Help()
	for _, want := range []string{"cluster", "frame", "quickstart", "version"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
