package delete

import (
	"context"
	"fmt"

	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// DeleteOptions configures `model delete`.
type DeleteOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Ctx        context.Context

	Cluster string
	IDs     []string
}

// NewCmdDelete returns the `model delete` command.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI}
	cmd := &cobra.Command{
		Use:     "delete ID...",
		Aliases: []string{"rm"},
		Short:   "Remove models from a cluster",
		Long: `Remove models from a cluster, freeing the memory they hold. Models are deleted
in the order given; the first one that does not exist stops the command.`,
		Example: `  mlctl model delete --cluster demo gbm-IsDelayed-1`,
		Args:    cmdutil.MinimumArgs(1, "model delete needs the ID of at least one model (see mlctl model list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.IDs = args
			var err error
			if opts.Cluster, err = cmdutil.ResolveCluster(opts.Cluster); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmdutil.AddClusterFlag(cmd, &opts.Cluster)
	return cmd
}

// Run deletes the models.
func Run(opts *DeleteOptions) error {
	c, err := fshared.Connect(opts.Ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	for _, id := range opts.IDs {
		if err := c.DeleteModel(opts.Ctx, id); err != nil {
			return cmdutil.ModelError(opts.Cluster, id, err)
		}
		if opts.IO.IsStderrTTY() {
			fmt.Fprintf(opts.IO.ErrOut, "Deleted model %s\n", id)
		}
	}
	return nil
}
