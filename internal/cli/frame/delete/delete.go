package delete

import (
	"context"
	"fmt"

	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// DeleteOptions configures `frame delete`.
type DeleteOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Ctx        context.Context

	Cluster string
	Names   []string
}

// NewCmdDelete returns the `frame delete` command.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI}
	cmd := &cobra.Command{
		Use:     "delete NAME...",
		Aliases: []string{"rm"},
		Short:   "Remove frames from a cluster",
		Long: `Remove frames from a cluster, freeing the memory they hold. Frames are deleted
in the order given; the first one that does not exist stops the command.`,
		Example: `  mlctl frame delete train_1 --cluster demo`,
		Args:    cmdutil.MinimumArgs(1, "frame delete needs the NAME of at least one frame (see mlctl frame list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Names = args
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

// Run deletes the frames.
func Run(opts *DeleteOptions) error {
	c, err := fshared.Connect(opts.Ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	for _, n := range opts.Names {
		if err := c.DeleteFrame(opts.Ctx, n); err != nil {
			return cmdutil.FrameError(opts.Cluster, n, err)
		}
		if opts.IO.IsStderrTTY() {
			fmt.Fprintf(opts.IO.ErrOut, "Deleted frame %s\n", n)
		}
	}
	return nil
}
