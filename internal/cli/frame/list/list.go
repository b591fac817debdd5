package list

import (
	"context"
	"fmt"
	"sort"

	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// ListOptions configures `frame list`.
type ListOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Ctx        context.Context

	Cluster string
	Output  cmdutil.OutputFormat
}

// NewCmdList returns the `frame list` command.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the frames on a cluster",
		Long: `List the frames a cluster holds in memory, with their size and where they came
from. Piped, MEMORY is in bytes and the output is tab-separated.`,
		Example: `  mlctl frame list --cluster demo
  MLCTL_CLUSTER=demo mlctl frame list -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Ctx = cmd.Context()
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
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run lists the frames.
func Run(opts *ListOptions) error {
	c, err := fshared.Connect(opts.Ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	frames, err := c.Frames(opts.Ctx)
	if err != nil {
		return err
	}
	sort.Slice(frames, func(i, j int) bool { return frames[i].Name < frames[j].Name })
	if len(frames) == 0 && !opts.Output.IsData() && opts.IO.IsStdoutTTY() {
		fmt.Fprintf(opts.IO.ErrOut, "no frames on cluster %s; import one with: mlctl frame import --cluster %s PATH\n", opts.Cluster, opts.Cluster)
		return nil
	}
	return fshared.PrintFrames(opts.IO, opts.Output, frames)
}
