package job

import (
	"github.com/mlctl/mlctl/internal/cli/job/cancel"
	"github.com/mlctl/mlctl/internal/cli/job/list"
	"github.com/mlctl/mlctl/internal/cli/job/show"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdJob returns the `job` command group.
func NewCmdJob(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "job <command>",
		Short: "List, inspect and cancel a cluster's jobs",
		Long: `Imports, training runs and predictions run on the cluster as jobs. A job goes
on when mlctl stops waiting for it (no --wait, or Ctrl-C); these commands find
it again, show how far it got and cancel it.`,
		Example: `  mlctl job list --cluster demo
  mlctl job show --cluster demo job-3
  mlctl job cancel --cluster demo job-3`,
	}
	cmdutil.MakeGroup(cmd)
	cmd.AddCommand(
		list.NewCmdList(f, nil),
		show.NewCmdShow(f, nil),
		cancel.NewCmdCancel(f, nil),
	)
	return cmd
}
