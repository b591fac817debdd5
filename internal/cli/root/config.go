package root

import (
	"fmt"

	"github.com/spf13/cobra"

	configcmd "github.com/mlctl/mlctl/internal/cli/config"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/config"
	"github.com/mlctl/mlctl/internal/errs"
)

// addConfig adds the `config` group and registers the persistent flags that
// are settings of their own (the ones a command's flags do not cover).
func addConfig(cmd *cobra.Command, f *cmdutil.Factory) {
	cmd.AddCommand(configcmd.NewCmdConfig(f))
	pf := cmd.PersistentFlags()
	pf.String("principal", "", "Kerberos principal to log in as with --keytab, e.g. alice@EXAMPLE.COM (default: the keytab's first)")
	pf.String("keytab", "", "log in to Hadoop with this keytab (readable only by you) instead of a kinit ticket; the ticket stays in memory")
}

// lenientCommands run with a broken configuration, so a user can see and
// repair it (and ask for help or the version).
var lenientCommands = map[string]bool{"config": true, "help": true, "version": true, "completion": true}

// applyConfig resolves the settings for cmd and fills its flags that were
// not typed. Hidden commands (the engine nodes) run without the user's
// configuration: a node must not depend on it. Shell completion requests
// get the settings in f.Settings but never fail for them.
func applyConfig(f *cmdutil.Factory, cmd *cobra.Command) error {
	if cmd.Name() == cobra.ShellCompRequestCmd || cmd.Name() == cobra.ShellCompNoDescRequestCmd {
		// Completion answers from what the settings say, quietly: a
		// completer may call f.Settings.Apply(cmd) on the command it
		// completes, to see --cluster from MLCTL_CLUSTER or a file.
		if s, err := config.Load(config.DefaultSources()); err == nil {
			f.Settings = s
		}
		return nil
	}
	for c := cmd; c != nil; c = c.Parent() {
		if c.Hidden {
			return nil
		}
	}
	top := cmd
	for top.HasParent() && top.Parent().HasParent() {
		top = top.Parent()
	}
	lenient := lenientCommands[top.Name()]
	s, err := config.Load(config.DefaultSources())
	if err != nil {
		if lenient {
			return nil // config commands report it themselves
		}
		return err
	}
	f.Settings = s
	if err := s.Err(); err != nil && !lenient {
		return err
	}
	if err := s.Apply(cmd); err != nil {
		return err
	}
	if f.Verbose {
		for _, a := range s.Applied() {
			fmt.Fprintf(f.IOStreams.ErrOut, "config: --%s %s (from %s)\n", a.Flag, a.Value.Value, a.Where)
		}
	}
	if lenient {
		return nil
	}
	return checkKerberos(s)
}

// checkKerberos refuses a principal without a keytab: with a ticket cache
// the principal is the cache's, and a principal alone cannot log in.
func checkKerberos(s *config.Settings) error {
	p, k := s.Get("principal"), s.Get("keytab")
	if p.Value == "" || k.Value != "" {
		return nil
	}
	return errs.New(errs.Usage,
		fmt.Errorf("principal %s (from %s) needs a keytab", p.Value, p.Origin),
		"give --keytab FILE (or MLCTL_KEYTAB, or mlctl config set keytab FILE); to use your kinit ticket, leave the principal out")
}
