package cluster

import (
	"github.com/mlctl/mlctl/internal/cli/cluster/delete"
	"github.com/mlctl/mlctl/internal/cli/cluster/launch"
	"github.com/mlctl/mlctl/internal/cli/cluster/list"
	"github.com/mlctl/mlctl/internal/cli/cluster/logs"
	"github.com/mlctl/mlctl/internal/cli/cluster/start"
	"github.com/mlctl/mlctl/internal/cli/cluster/status"
	"github.com/mlctl/mlctl/internal/cli/cluster/stop"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdCluster returns the `cluster` command group.
func NewCmdCluster(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cluster <command>",
		Short: "Launch, inspect and stop clusters",
		Long: `A cluster is a set of engine nodes that hold frames in memory and train models.
Launch one, import frames into it, and stop it when you are done: a stopped
cluster frees its memory but keeps its record until you delete it.`,
		Example: `  mlctl cluster launch demo --nodes 3 --memory 1g --wait
  mlctl cluster status demo
  mlctl cluster stop demo && mlctl cluster delete demo`,
	}
	cmdutil.MakeGroup(cmd)
	cmd.AddCommand(
		launch.NewCmdLaunch(f, nil),
		list.NewCmdList(f, nil),
		status.NewCmdStatus(f, nil),
		stop.NewCmdStop(f, nil),
		start.NewCmdStart(f, nil),
		delete.NewCmdDelete(f, nil),
		logs.NewCmdLogs(f, nil),
	)
	return cmd
}
