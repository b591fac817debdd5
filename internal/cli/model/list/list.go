package list

import (
	"context"
	"fmt"
	"sort"
	"time"

	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	mshared "github.com/mlctl/mlctl/internal/cli/model/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// ListOptions configures `model list`.
type ListOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Now        func() time.Time
	Ctx        context.Context

	Cluster string
	Output  cmdutil.OutputFormat
}

// NewCmdList returns the `model list` command.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI, Now: f.Now}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the models on a cluster",
		Long: `List the models trained on a cluster, oldest first, with the headline metric
the cluster reports for each (e.g. AUC for a binary target) on the validation
frame when there was one, else on the training frame. TIME is how long
training took.

Piped, the output is tab-separated, TIME is a Go duration and CREATED is
RFC3339.`,
		Example: `  mlctl model list --cluster demo
  mlctl model list -c demo -o json | jq -r 'max_by(.value) | .model_id'`,
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

// Run lists the models.
func Run(opts *ListOptions) error {
	c, err := fshared.Connect(opts.Ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	models, err := c.Models(opts.Ctx)
	if err != nil {
		return err
	}
	sort.SliceStable(models, func(i, j int) bool {
		if !models[i].Created.Equal(models[j].Created) {
			return models[i].Created.Before(models[j].Created)
		}
		return models[i].ModelID < models[j].ModelID
	})
	if len(models) == 0 && !opts.Output.IsData() && opts.IO.IsStdoutTTY() {
		fmt.Fprintf(opts.IO.ErrOut, "no models on cluster %s; train one with: mlctl train gbm --cluster %s --frame FRAME --target COLUMN\n",
			opts.Cluster, opts.Cluster)
		return nil
	}
	return mshared.PrintModels(opts.IO, opts.Output, models, opts.Now())
}
