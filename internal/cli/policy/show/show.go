package show

import (
	"fmt"

	"github.com/mlctl/mlctl/internal/cli/policy/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/profile"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

// ShowOptions configures `policy show`.
type ShowOptions struct {
	IO     *iostreams.IOStreams
	Policy func() (*profile.Policy, error)
	Output cmdutil.OutputFormat
}

// NewCmdShow returns the `policy show` command.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Policy: f.Policy, Output: cmdutil.OutputYAML}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the policy in force, defaults filled in",
		Long: `Print the effective policy: the file in force (--policy, $MLCTL_POLICY,
/etc/mlctl/policy.yaml) or the embedded default, with every default filled
in. The first line says which one it is: a YAML comment, or on stderr with
--output json. The YAML printed is itself a valid policy file.`,
		Example: `  mlctl policy show
  mlctl policy show --output json | jq '.profiles[].name'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	cmd.Flags().Lookup("output").Usage = "output format: yaml (the default, a valid policy file) or json"
	return cmd
}

// Run prints the policy.
func Run(opts *ShowOptions) error {
	var pol *profile.Policy
	if opts.Policy == nil {
		pol = profile.Embedded()
	} else {
		var err error
		if pol, err = opts.Policy(); err != nil {
			return err
		}
	}
	from := "policy in force: " + shared.Describe(pol)
	format := opts.Output
	if format == cmdutil.OutputJSON {
		fmt.Fprintln(opts.IO.ErrOut, from)
	} else {
		format = cmdutil.OutputYAML // a table of a policy is its YAML
		fmt.Fprintln(opts.IO.Out, "# "+from)
	}
	if format == cmdutil.OutputJSON {
		return cmdutil.WriteData(opts.IO.Out, format, pol)
	}
	enc := yaml.NewEncoder(opts.IO.Out)
	enc.SetIndent(2)
	if err := enc.Encode(pol); err != nil {
		return fmt.Errorf("encoding the policy: %w", err)
	}
	return enc.Close()
}
