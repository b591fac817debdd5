package diff

import (
	"fmt"

	"github.com/mlctl/mlctl/internal/cli/policy/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/profile"
	"github.com/spf13/cobra"
)

// DiffOptions configures `policy diff`.
type DiffOptions struct {
	IO       *iostreams.IOStreams
	Old, New string
	Output   cmdutil.OutputFormat
}

// NewCmdDiff returns the `policy diff` command.
func NewCmdDiff(f *cmdutil.Factory, runF func(*DiffOptions) error) *cobra.Command {
	opts := &DiffOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Say who gains or loses what between two policy files",
		Long: `Compare two policy files and say, one sentence per change, who gains or
loses what: roles, profiles and their limits, engine versions, backends. Both
files must be valid (see mlctl policy validate). Exit 0 either way; no
sentences means nobody's rights change.`,
		Example: `  mlctl policy diff /etc/mlctl/policy.yaml new-policy.yaml`,
		Args:    cmdutil.ExactArgs(2, "policy diff needs the OLD and the NEW policy file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Old, opts.New = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run prints the differences.
func Run(opts *DiffOptions) error {
	old, err := shared.ReadFile(opts.Old)
	if err != nil {
		return err
	}
	nw, err := shared.ReadFile(opts.New)
	if err != nil {
		return err
	}
	changes := profile.Diff(old, nw)
	if changes == nil {
		changes = []string{}
	}
	if opts.Output.IsData() {
		return cmdutil.WriteData(opts.IO.Out, opts.Output, struct {
			Old     string   `json:"old"`
			New     string   `json:"new"`
			Changes []string `json:"changes"`
		}{opts.Old, opts.New, changes})
	}
	if len(changes) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "no changes: %s and %s give everyone the same rights\n", opts.Old, opts.New)
		return nil
	}
	for _, c := range changes {
		fmt.Fprintln(opts.IO.Out, c)
	}
	return nil
}
