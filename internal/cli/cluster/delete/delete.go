package delete

import (
	"context"

	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// DeleteOptions configures `cluster delete`.
type DeleteOptions struct {
	IO      *iostreams.IOStreams
	Backend func(name string) (launcher.Backend, error)
	Ctx     context.Context

	Name        string
	BackendName string
}

// NewCmdDelete returns the `cluster delete` command.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:     "delete NAME",
		Aliases: []string{"rm"},
		Short:   "Delete a cluster and its record",
		Long: `Delete a cluster: stop it if it is still running, then remove its record, logs
and working files. The name becomes free for a new launch.`,
		Example: `  mlctl cluster delete demo`,
		Args:    cmdutil.ExactArgs(1, "cluster delete needs the cluster NAME (see mlctl cluster list)"),
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

// Run deletes the cluster.
func Run(opts *DeleteOptions) error {
	b, err := opts.Backend(opts.BackendName)
	if err != nil {
		return err
	}
	if err := b.Delete(opts.Ctx, opts.Name); err != nil {
		return cmdutil.ClusterError(opts.Name, err)
	}
	shared.Successf(opts.IO, "Deleted cluster %s", opts.Name)
	return nil
}
