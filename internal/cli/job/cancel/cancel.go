package cancel

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/engine/api"
	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	jshared "github.com/mlctl/mlctl/internal/cli/job/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// CancelOptions configures `job cancel`.
type CancelOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Ctx        context.Context

	Cluster string
	ID      string
	Output  cmdutil.OutputFormat
}

// NewCmdCancel returns the `job cancel` command.
func NewCmdCancel(f *cmdutil.Factory, runF func(*CancelOptions) error) *cobra.Command {
	opts := &CancelOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI}
	cmd := &cobra.Command{
		Use:   "cancel ID",
		Short: "Stop a running job",
		Long: `Ask a running job to stop and print its state afterwards. A training job that
is cancelled keeps no model; an import keeps no frame.

A job that has already ended (done, failed or cancelled) is left as it is and
is not an error. Piped, the output is the job id and its state, tab-separated.`,
		Example: `  mlctl job cancel --cluster demo job-3
  mlctl job list -c demo -o json | jq -r '.[] | select(.state == "running") | .id' | xargs -n1 mlctl job cancel -c demo`,
		Args: cmdutil.ExactArgs(1, "job cancel needs the job ID (see mlctl job list)"),
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

// Run cancels the job unless it has ended, and prints its state.
func Run(opts *CancelOptions) error {
	ctx := opts.Ctx
	c, err := fshared.Connect(ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	j, err := c.Job(ctx, opts.ID)
	if err != nil {
		return cmdutil.JobError(opts.Cluster, opts.ID, err)
	}
	if jshared.Ended(j.State) {
		return report(opts, j, true)
	}
	cj, err := c.CancelJob(ctx, opts.ID)
	if err != nil {
		if e := cmdutil.JobError(opts.Cluster, opts.ID, err); e != err {
			return e
		}
		// The leader may refuse because the job ended meanwhile.
		if again, e := c.Job(ctx, opts.ID); e == nil && jshared.Ended(again.State) {
			return report(opts, again, true)
		}
		return fmt.Errorf("cancelling job %s: %w", opts.ID, err)
	}
	return report(opts, cj, cj.State == "done" || cj.State == "failed")
}

func report(opts *CancelOptions, j *api.Job, alreadyEnded bool) error {
	ios := opts.IO
	if opts.Output.IsData() {
		return cmdutil.WriteData(ios.Out, opts.Output, j)
	}
	state := j.State
	if state == "" {
		state = "running"
	}
	if !ios.IsStdoutTTY() {
		_, err := fmt.Fprintf(ios.Out, "%s\t%s\n", j.ID, state)
		return err
	}
	cs := ios.ColorScheme()
	id, st := cs.Cyan(j.ID), jshared.StateStyle(cs, state)(state)
	var err error
	switch {
	case alreadyEnded:
		_, err = fmt.Fprintf(ios.Out, "Job %s had already ended (%s); nothing to cancel\n", id, st)
	case state == "cancelled":
		_, err = fmt.Fprintf(ios.Out, "Cancelled job %s\n", id)
	default:
		_, err = fmt.Fprintf(ios.Out, "Asked job %s to stop; it is %s (see: mlctl job show --cluster %s %s)\n",
			id, st, opts.Cluster, j.ID)
	}
	return err
}
