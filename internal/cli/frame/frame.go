package frame

import (
	"github.com/mlctl/mlctl/internal/cli/frame/delete"
	importcmd "github.com/mlctl/mlctl/internal/cli/frame/import"
	"github.com/mlctl/mlctl/internal/cli/frame/list"
	"github.com/mlctl/mlctl/internal/cli/frame/split"
	"github.com/mlctl/mlctl/internal/cli/frame/summary"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdFrame returns the `frame` command group.
func NewCmdFrame(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "frame <command>",
		Short: "Import, inspect, split and delete frames on a cluster",
		Long: `A frame is a table held in a cluster's memory, split across its nodes. Every
frame command needs a cluster: give --cluster NAME, or set MLCTL_CLUSTER once
for your shell.`,
		Example: `  export MLCTL_CLUSTER=demo
  mlctl frame import examples/data/*.csv --name train
  mlctl frame summary train
  mlctl frame split train --ratios 0.8,0.2 --seed 42`,
	}
	cmdutil.MakeGroup(cmd)
	cmd.AddCommand(
		importcmd.NewCmdImport(f, nil),
		list.NewCmdList(f, nil),
		summary.NewCmdSummary(f, nil),
		split.NewCmdSplit(f, nil),
		delete.NewCmdDelete(f, nil),
	)
	return cmd
}
