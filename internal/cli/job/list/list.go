package list

import (
	"context"
	"fmt"
	"time"

	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	jshared "github.com/mlctl/mlctl/internal/cli/job/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// ListOptions configures `job list`.
type ListOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Now        func() time.Time
	Ctx        context.Context

	Cluster string
	Output  cmdutil.OutputFormat
}

// NewCmdList returns the `job list` command.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI, Now: f.Now}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the jobs on a cluster",
		Long: `List a cluster's jobs, newest first: imports, training runs and predictions,
running or ended. TARGET is what the job works on (a frame, or the model a
prediction uses); RESULT is what it made (a frame or a model id).

Piped, PROGRESS is a fraction from 0 to 1, STARTED is RFC3339 and the output
is tab-separated.`,
		Example: `  mlctl job list --cluster demo
  mlctl job list -c demo -o json | jq -r '.[] | select(.state == "running") | .id'`,
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

// Run lists the jobs in the leader's order (newest first).
func Run(opts *ListOptions) error {
	c, err := fshared.Connect(opts.Ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	jobs, err := c.Jobs(opts.Ctx)
	if err != nil {
		return err
	}
	if len(jobs) == 0 && !opts.Output.IsData() && opts.IO.IsStdoutTTY() {
		fmt.Fprintf(opts.IO.ErrOut, "no jobs on cluster %s yet\n", opts.Cluster)
		return nil
	}
	return jshared.PrintJobs(opts.IO, opts.Output, jobs, opts.Now())
}
