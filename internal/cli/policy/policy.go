package policy

import (
	"github.com/mlctl/mlctl/internal/cli/policy/diff"
	"github.com/mlctl/mlctl/internal/cli/policy/explain"
	"github.com/mlctl/mlctl/internal/cli/policy/show"
	"github.com/mlctl/mlctl/internal/cli/policy/validate"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdPolicy returns the `policy` command group.
func NewCmdPolicy(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy <command>",
		Short: "Check, show and explain the policy that governs launches",
		Long: `The policy is one YAML file an admin writes (default /etc/mlctl/policy.yaml;
--policy FILE or $MLCTL_POLICY name another): roles from groups, profiles that
bound each user's clusters, engine versions, the audit log. Without a file, a
built-in policy for the local backend applies. See docs/policy.md.`,
		Example: `  mlctl policy validate examples/policies/intern-senior.yaml
  mlctl policy show
  mlctl policy explain --user bob --nodes 8 --memory 16g
  mlctl policy diff old.yaml new.yaml`,
	}
	cmdutil.MakeGroup(cmd)
	cmd.AddCommand(
		validate.NewCmdValidate(f, nil),
		show.NewCmdShow(f, nil),
		explain.NewCmdExplain(f, nil),
		diff.NewCmdDiff(f, nil),
	)
	return cmd
}
