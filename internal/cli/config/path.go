package config

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/config"
	"github.com/mlctl/mlctl/internal/iostreams"
)

// PathOptions configures `config path`.
type PathOptions struct {
	IO      *iostreams.IOStreams
	Sources func() config.Sources
	System  bool
}

// NewCmdPath returns `config path`.
func NewCmdPath(f *cmdutil.Factory, runF func(*PathOptions) error) *cobra.Command {
	opts := &PathOptions{IO: f.IOStreams, Sources: sources(f)}
	cmd := &cobra.Command{
		Use:   "path",
		Short: "Print where your config file is",
		Long: `Print the path of your config file ($MLCTL_CONFIG, else
$XDG_CONFIG_HOME/mlctl/config.yaml, else ~/.config/mlctl/config.yaml), or
with --system the system file's ($MLCTL_SYSTEM_CONFIG, else
/etc/mlctl/config.yaml), whether or not it exists yet.`,
		Example: `  mlctl config path
  $EDITOR "$(mlctl config path)"`,
		Args: cmdutil.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return RunPath(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.System, "system", false, "the system file (gateway-wide defaults)")
	return cmd
}

// RunPath prints the path.
func RunPath(opts *PathOptions) error {
	src := opts.Sources()
	p := src.User
	if opts.System {
		p = src.System
	}
	fmt.Fprintln(opts.IO.Out, p)
	if _, err := os.Stat(p); os.IsNotExist(err) && opts.IO.IsStderrTTY() {
		fmt.Fprintln(opts.IO.ErrOut, "(it does not exist yet; mlctl config set creates it)")
	}
	return nil
}
