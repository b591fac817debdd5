package logs

import (
	"context"

	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// LogsOptions configures `cluster logs`.
type LogsOptions struct {
	IO      *iostreams.IOStreams
	Backend func(name string) (launcher.Backend, error)
	Ctx     context.Context

	Name        string
	BackendName string
	Node        int // -1 = all nodes
}

// NewCmdLogs returns the `cluster logs` command.
func NewCmdLogs(f *cmdutil.Factory, runF func(*LogsOptions) error) *cobra.Command {
	opts := &LogsOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "logs NAME",
		Short: "Print a cluster's node logs",
		Long: `Print the logs of a cluster's nodes to stdout. Without --node, every node's log
is printed, each line prefixed with the node index; with --node, only that
node's log, unprefixed. Logs remain readable after the cluster is stopped,
until it is deleted.`,
		Example: `  mlctl cluster logs demo
  mlctl cluster logs demo --node 0 | grep -i error`,
		Args: cmdutil.ExactArgs(1, "cluster logs needs the cluster NAME (see mlctl cluster list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			opts.Ctx = cmd.Context()
			if err := shared.ValidateBackend(opts.BackendName); err != nil {
				return err
			}
			if opts.Node < -1 {
				return cmdutil.UsageErrorf("--node must be a node index (0, 1, ...), got %d", opts.Node)
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().IntVar(&opts.Node, "node", -1, "only this node's log (index from mlctl cluster status)")
	cmd.Flags().Lookup("node").DefValue = "all nodes" // shown as the default; -1 inside
	shared.AddBackendFlag(cmd, &opts.BackendName)
	return cmd
}

// Run copies the logs to stdout.
func Run(opts *LogsOptions) error {
	b, err := opts.Backend(opts.BackendName)
	if err != nil {
		return err
	}
	return cmdutil.ClusterError(opts.Name, b.Logs(opts.Ctx, opts.Name, opts.Node, opts.IO.Out))
}
