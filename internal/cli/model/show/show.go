package show

import (
	"context"
	"time"

	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	mshared "github.com/mlctl/mlctl/internal/cli/model/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// ShowOptions configures `model show`.
type ShowOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Now        func() time.Time
	Ctx        context.Context

	Cluster string
	ID      string
	Output  cmdutil.OutputFormat
}

// NewCmdShow returns the `model show` command.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a model's metrics, variable importances and coefficients",
		Long: `Show what mlctl train printed when the model was made: what was trained on
what, the metrics on the training and validation frames and from
cross-validation, the most important variables and, for a GLM, its
coefficients.

--output json prints the whole model: its parameters, every metric (with the
confusion matrix), the scoring history and per-fold results. The field names
are stable.`,
		Example: `  mlctl model show --cluster demo gbm-IsDelayed-1
  mlctl model show -c demo glm-IsDelayed-2 -o json | jq .coefficients`,
		Args: cmdutil.ExactArgs(1, "model show needs the model ID (see mlctl model list)"),
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

// Run fetches and prints the model.
func Run(opts *ShowOptions) error {
	c, err := fshared.Connect(opts.Ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	m, err := c.Model(opts.Ctx, opts.ID)
	if err != nil {
		return cmdutil.ModelError(opts.Cluster, opts.ID, err)
	}
	return mshared.PrintModel(opts.IO, opts.Output, m, opts.Now())
}
