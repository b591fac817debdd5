package predict

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	jshared "github.com/mlctl/mlctl/internal/cli/job/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// PredictOptions configures `predict`.
type PredictOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Now        func() time.Time
	Ctx        context.Context

	Cluster string
	Model   string
	Frame   string
	Name    string
	Wait    bool
	Output  cmdutil.OutputFormat
}

// NewCmdPredict returns the `predict` command.
func NewCmdPredict(f *cmdutil.Factory, runF func(*PredictOptions) error) *cobra.Command {
	opts := &PredictOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "predict --model ID --frame FRAME [--name NAME]",
		Short: "Score a frame with a model into a new frame",
		Long: `Score every row of a frame with a model and keep the predictions (and, for a
classifier, the class probabilities) on the cluster as a new frame, named
FRAME_MODEL_pred unless --name says otherwise.

mlctl waits for the job and prints the new frame; --wait=false prints the job
id and returns at once. Ctrl-C stops waiting as it does for mlctl train.`,
		Example: `  mlctl predict --cluster demo --model gbm-IsDelayed-1 --frame train_1 --name train_1_pred
  mlctl frame summary --cluster demo train_1_pred`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Ctx = cmd.Context()
			var err error
			if opts.Cluster, err = cmdutil.ResolveCluster(opts.Cluster); err != nil {
				return err
			}
			if strings.TrimSpace(opts.Model) == "" {
				return cmdutil.UsageErrorf("predict needs --model ID (see mlctl model list)")
			}
			if strings.TrimSpace(opts.Frame) == "" {
				return cmdutil.UsageErrorf("predict needs --frame FRAME, the frame to score (see mlctl frame list)")
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddClusterFlag(cmd, &opts.Cluster)
	fl.StringVar(&opts.Model, "model", "", "id of the model to score with (required)")
	fl.StringVar(&opts.Frame, "frame", "", "frame to score (required)")
	fl.StringVar(&opts.Name, "name", "", "name of the new frame (default FRAME_MODEL_pred)")
	fl.BoolVar(&opts.Wait, "wait", true, "wait for the predictions and print the new frame")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run starts the prediction and, with Wait, follows it and prints the new
// frame.
func Run(opts *PredictOptions) error {
	ctx, ios := opts.Ctx, opts.IO
	c, err := fshared.Connect(ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	req := api.PredictRequest{Model: opts.Model, Frame: opts.Frame, Name: opts.Name}
	job, err := c.Predict(ctx, req)
	if err != nil {
		return notFound(ctx, c, opts, err)
	}
	if !opts.Wait {
		if opts.Output.IsData() {
			return cmdutil.WriteData(ios.Out, opts.Output, job)
		}
		if ios.IsStdoutTTY() {
			_, err := fmt.Fprintf(ios.Out, "Started prediction job %s (%s on %s)\nFollow it with: mlctl job show --cluster %s %s\n",
				ios.ColorScheme().Cyan(job.ID), opts.Model, opts.Frame, opts.Cluster, job.ID)
			return err
		}
		_, err := fmt.Fprintln(ios.Out, job.ID)
		return err
	}
	w := &jshared.Waiter{IO: ios, Client: c, Cluster: opts.Cluster, Now: opts.Now, Label: "predicting " + opts.Frame}
	if job, err = w.Wait(ctx, job); err != nil {
		return err
	}
	name := job.Result
	if name == "" {
		name = opts.Name
	}
	if name == "" {
		return fmt.Errorf("prediction job %s ended without naming its frame; see mlctl frame list --cluster %s", job.ID, opts.Cluster)
	}
	fi, err := c.Frame(ctx, name)
	if err != nil {
		return cmdutil.FrameError(opts.Cluster, name, err)
	}
	return fshared.PrintFrame(ios, opts.Output, fi)
}

// notFound says which of the model and the frame is missing when the
// leader refuses a prediction with not-found.
func notFound(ctx context.Context, c cmdutil.ClusterAPI, opts *PredictOptions, err error) error {
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("predicting %s with %s: %w", opts.Frame, opts.Model, err)
	}
	if _, e := c.Model(ctx, opts.Model); errors.Is(e, fs.ErrNotExist) {
		return cmdutil.ModelError(opts.Cluster, opts.Model, e)
	}
	if _, e := c.Frame(ctx, opts.Frame); errors.Is(e, fs.ErrNotExist) {
		return cmdutil.FrameError(opts.Cluster, opts.Frame, e)
	}
	return errs.New(errs.NotFound, fmt.Errorf("predicting %s with %s: %w", opts.Frame, opts.Model, err), "")
}
