package cmdtree

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/mlctl/mlctl/internal/cli/engine"
	"github.com/mlctl/mlctl/internal/cli/root"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// Version is what the generated files say mlctl's version is: none, so that
// they do not change with every commit. It is not empty, because the real
// binary always has one and therefore a --version flag.
const Version = "dev"

// Root returns mlctl's root command as cmd/mlctl builds it, the hidden
// engine commands included (neither completions nor docs show them; the
// docs test checks that).
func Root() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Build: cmdutil.BuildInfo{Version: Version, Commit: "none", GoVersion: "go"}}
	cmd := root.NewCmdRoot(f, engine.NewCmdEngine())
	cmd.DisableAutoGenTag = true
	// cobra adds --version when the command runs; the docs should show it.
	cmd.InitDefaultVersionFlag()
	return cmd
}

// Isolate points everything a command could read at build time (home,
// config and MLCTL_* variables) at the empty directory dir, so the
// generated files depend on the code only, not on who runs the generator.
// setenv is os.Setenv, or t.Setenv in a test.
func Isolate(dir string, setenv func(key, value string) error) error {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "MLCTL_") {
			if err := setenv(k, ""); err != nil {
				return err
			}
		}
	}
	for k, v := range map[string]string{
		"HOME":            dir,
		"XDG_CONFIG_HOME": filepath.Join(dir, ".config"),
		"MLCTL_HOME":      filepath.Join(dir, ".mlctl"),
		"MLCTL_POLICY":    filepath.Join(dir, "no-policy.yaml"),
		"NO_COLOR":        "1",
	} {
		if err := setenv(k, v); err != nil {
			return err
		}
	}
	return nil
}
