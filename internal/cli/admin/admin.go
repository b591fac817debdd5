package admin

import (
	"github.com/mlctl/mlctl/internal/cli/admin/clusters"
	"github.com/mlctl/mlctl/internal/cli/admin/engineupload"
	"github.com/mlctl/mlctl/internal/cli/admin/queueconfig"
	"github.com/mlctl/mlctl/internal/cli/admin/reap"
	"github.com/mlctl/mlctl/internal/cli/admin/usage"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdAdmin returns the `admin` command group.
func NewCmdAdmin(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin <command>",
		Short: "Govern every user's clusters (admin role only)",
		Long: `Commands for the policy's admins (roles.admin): see every user's clusters,
usage from the audit log, stop clusters over their limits, generate the YARN
queue configuration that enforces the policy, and stage engine builds.
Anyone else is refused with exit code 3.`,
		Example: `  mlctl admin clusters
  mlctl admin usage --since 30d --output csv
  mlctl admin reap --dry-run
  mlctl admin yarn-queue-config > capacity-scheduler-mlctl.xml
  mlctl admin engine upload 3.47 --binary ./mlctl`,
	}
	cmdutil.MakeGroup(cmd)
	engine := &cobra.Command{
		Use:   "engine <command>",
		Short: "Stage engine builds on HDFS",
	}
	cmdutil.MakeGroup(engine)
	engine.AddCommand(engineupload.NewCmdUpload(f, nil))
	cmd.AddCommand(
		clusters.NewCmdClusters(f, nil),
		usage.NewCmdUsage(f, nil),
		reap.NewCmdReap(f, nil),
		queueconfig.NewCmdQueueConfig(f, nil),
		engine,
	)
	return cmd
}
