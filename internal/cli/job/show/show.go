package show

import (
	"context"
	"time"

	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	jshared "github.com/mlctl/mlctl/internal/cli/job/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// ShowOptions configures `job show`.
type ShowOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Now        func() time.Time
	Ctx        context.Context

	Cluster string
	ID      string
	Output  cmdutil.OutputFormat
}

// NewCmdShow returns the `job show` command.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one job",
		Long: `Show everything the cluster knows about a job: its state, progress and last
message, what it works on and what it made, when it started and ended, and
its error and warnings if any.`,
		Example: `  mlctl job show --cluster demo job-3
  mlctl job show -c demo job-3 -o json | jq -r .result`,
		Args: cmdutil.ExactArgs(1, "job show needs the job ID (see mlctl job list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.ID = args[0]
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

// Run fetches and prints the job.
func Run(opts *ShowOptions) error {
	c, err := fshared.Connect(opts.Ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	j, err := c.Job(opts.Ctx, opts.ID)
	if err != nil {
		return cmdutil.JobError(opts.Cluster, opts.ID, err)
	}
	return jshared.PrintJob(opts.IO, opts.Output, j, opts.Now())
}
