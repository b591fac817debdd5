package version

import (
	"fmt"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// VersionOptions configures `version`.
type VersionOptions struct {
	IO     *iostreams.IOStreams
	Build  cmdutil.BuildInfo
	Output cmdutil.OutputFormat
}

// NewCmdVersion returns the `version` command.
func NewCmdVersion(f *cmdutil.Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{IO: f.IOStreams, Build: f.Build}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print mlctl's version",
		Long: `Print the version and commit mlctl was built from and the Go version that
built it. Include this when you report a problem.`,
		Example: `  mlctl version
  mlctl version --output json`,
		Args: cmdutil.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run prints the version.
func Run(opts *VersionOptions) error {
	if opts.Output.IsData() {
		return cmdutil.WriteData(opts.IO.Out, opts.Output, opts.Build)
	}
	_, err := fmt.Fprintf(opts.IO.Out, "mlctl %s (commit %s, %s)\n", opts.Build.Version, opts.Build.Commit, opts.Build.GoVersion)
	return err
}
