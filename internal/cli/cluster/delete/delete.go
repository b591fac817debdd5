package delete

import (
	"context"

	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
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
	// Audit, when set, records the stop of a cluster deleted while live.
	Audit func(ctx context.Context, action string, rec *launcher.Record, name, outcome, reason string)
}

// NewCmdDelete returns the `cluster delete` command.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, Backend: f.Backend}
	if f.Policy != nil {
		opts.Audit = enforce.FromFactory(f).Note
	}
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
	// Deleting a live cluster stops it: that stop goes in the audit log.
	var live *launcher.Record
	if opts.Audit != nil {
		if rec, err := b.Get(opts.Ctx, opts.Name); err == nil && !launcher.Ended(rec.State) {
			live = rec
		}
	}
	if err := b.Delete(opts.Ctx, opts.Name); err != nil {
		if live != nil {
			opts.Audit(opts.Ctx, "stop", live, opts.Name, "failed", "cluster delete: "+err.Error())
		}
		return cmdutil.ClusterError(opts.Name, err)
	}
	if live != nil {
		opts.Audit(opts.Ctx, "stop", live, opts.Name, "ok", "cluster delete")
	}
	shared.Successf(opts.IO, "Deleted cluster %s", opts.Name)
	return nil
}
