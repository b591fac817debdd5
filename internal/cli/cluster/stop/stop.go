package stop

import (
	"context"

	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// StopOptions configures `cluster stop`.
type StopOptions struct {
	IO      *iostreams.IOStreams
	Backend func(name string) (launcher.Backend, error)
	Ctx     context.Context

	Name        string
	BackendName string
}

// NewCmdStop returns the `cluster stop` command.
func NewCmdStop(f *cmdutil.Factory, runF func(*StopOptions) error) *cobra.Command {
	opts := &StopOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "stop NAME",
		Short: "Stop a cluster, keeping its record",
		Long: `Stop a cluster: its nodes exit and the memory they held is freed. Frames that
were not saved are lost. The cluster record stays (see mlctl cluster list)
until you delete it. Stopping a cluster that is already stopped succeeds.`,
		Example: `  mlctl cluster stop demo`,
		Args:    cmdutil.ExactArgs(1, "cluster stop needs the cluster NAME (see mlctl cluster list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			opts.Ctx = cmd.Context()
			if err := shared.ValidateBackend(opts.BackendName); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	shared.AddBackendFlag(cmd, &opts.BackendName)
	return cmd
}

// Run stops the cluster.
func Run(opts *StopOptions) error {
	b, err := opts.Backend(opts.BackendName)
	if err != nil {
		return err
	}
	if err := b.Stop(opts.Ctx, opts.Name); err != nil {
		return cmdutil.ClusterError(opts.Name, err)
	}
	shared.Successf(opts.IO, "Stopped cluster %s", opts.Name)
	return nil
}
