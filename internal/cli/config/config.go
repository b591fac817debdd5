package config

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/config"
	"github.com/mlctl/mlctl/internal/errs"
)

// NewCmdConfig returns the `config` command group.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config <command>",
		Short: "Show and change mlctl's settings",
		Long: `Every setting is resolved the same way; the first that gives a value wins:

  1. the command-line flag      --cluster demo
  2. the environment            MLCTL_CLUSTER=demo (MLCTL_ and the key in capitals)
  3. your config file           $XDG_CONFIG_HOME/mlctl/config.yaml,
                                default ~/.config/mlctl/config.yaml
  4. the gateway's system file  /etc/mlctl/config.yaml (defaults an administrator sets)
  5. the built-in default

MLCTL_CONFIG and MLCTL_SYSTEM_CONFIG name other files instead. The policy
(/etc/mlctl/policy.yaml) is separate: it decides what you may do, these
settings only save typing. Other MLCTL_ variables (MLCTL_HOME, MLCTL_POLICY,
MLCTL_HDFS_CA, MLCTL_FORCE_TTY) are read from the environment only.

Settings:
` + settingsTable() + `
A file with an unknown key, a value of the wrong type or a value the flag
would refuse stops every command with exit code 2 and the file:line:col of
the problem, except the config commands, which still run so you can repair
it.`,
		Example: `  mlctl config set cluster demo
  mlctl config set backend yarn
  mlctl config get cluster
  mlctl config list --show-origin
  mlctl config unset queue`,
	}
	cmdutil.MakeGroup(cmd)
	cmd.AddCommand(
		NewCmdSet(f, nil),
		NewCmdGet(f, nil),
		NewCmdUnset(f, nil),
		NewCmdList(f, nil),
		NewCmdPath(f, nil),
	)
	return cmd
}

func settingsTable() string {
	var b strings.Builder
	for _, k := range config.Keys() {
		def := ""
		if k.Default != "" {
			def = " (default " + k.Default + ")"
		}
		fmt.Fprintf(&b, "  %-10s --%-10s %s%s\n", k.Name, k.Flag, k.Help, def)
	}
	return b.String()
}

// settings is what the root resolved, or a fresh load when it could not
// (a file it cannot read: the error is then the command's own).
func settings(f *cmdutil.Factory) func() (*config.Settings, error) {
	return func() (*config.Settings, error) {
		if f.Settings != nil {
			return f.Settings, nil
		}
		return config.Load(config.DefaultSources())
	}
}

// sources are the files, known even when they cannot be read.
func sources(f *cmdutil.Factory) func() config.Sources {
	return func() config.Sources {
		if f.Settings != nil {
			return f.Settings.Sources
		}
		return config.DefaultSources()
	}
}

// lookupKey finds a setting or fails with the nearest name.
func lookupKey(name string) (config.Key, error) {
	k, ok := config.Lookup(name)
	if !ok {
		return k, errs.New(errs.Usage, fmt.Errorf("unknown setting %q", name), config.UnknownKeyHint(name))
	}
	return k, nil
}

// completeKeys completes setting names (and, for config set, the values of
// settings with a fixed set of them; paths complete as files).
func completeKeys(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 1 && cmd.Name() == "set" {
		k, ok := config.Lookup(args[0])
		switch {
		case !ok:
		case k.Type == config.Bool:
			return []string{"true", "false"}, cobra.ShellCompDirectiveNoFileComp
		case k.Name == "backend":
			return config.Backends, cobra.ShellCompDirectiveNoFileComp
		case k.Name == "output":
			return config.OutputFormats, cobra.ShellCompDirectiveNoFileComp
		case k.Path:
			return nil, cobra.ShellCompDirectiveDefault
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var names []string
	for _, k := range config.Keys() {
		names = append(names, k.Name+"\t"+k.Help)
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}
