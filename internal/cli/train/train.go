package train

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
	mshared "github.com/mlctl/mlctl/internal/cli/model/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TrainOptions configures `train`.
type TrainOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Now        func() time.Time
	Ctx        context.Context

	Cluster string
	// Spec holds the merged, validated parameters (and Wait).
	Spec   *Spec
	Output cmdutil.OutputFormat
}

const trainLong = `Train a model on a frame held by the cluster: a gradient boosting machine
(mlctl train gbm) or a generalized linear model (mlctl train glm).

Without --wait, mlctl starts the job, prints its id and returns; follow it
with mlctl job show and read the model with mlctl model show. With --wait it
shows the job's progress on stderr and prints the model when it is done:
its metrics, its most important variables and, for a GLM, its coefficients
(--output json prints the whole model). Ctrl-C stops waiting; on a terminal
mlctl asks whether to cancel the job on the cluster too, otherwise it leaves
the job running and says how to cancel it. Either way the exit code is 130.

--spec FILE reads the parameters from a YAML file whose keys are the flags'
names with _ for - (max_depth: 6, ignore: [a, b]) plus algo: gbm|glm, so that
cron jobs and CI can keep them under version control. Flags given on the
command line override the file. mlctl train --spec FILE takes the algorithm
from the file; an unknown key is an error naming the file and line.`

// NewCmdTrain returns the `train` command with its gbm and glm
// subcommands. Bare, it trains what a --spec file says.
func NewCmdTrain(f *cmdutil.Factory, runF func(*TrainOptions) error) *cobra.Command {
	cmd := newCmd(f, runF, "")
	cmd.AddCommand(newCmd(f, runF, "gbm"), newCmd(f, runF, "glm"))
	return cmd
}

func newCmd(f *cmdutil.Factory, runF func(*TrainOptions) error, algo string) *cobra.Command {
	opts := &TrainOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI, Now: f.Now}
	flags := &Spec{}
	var specFile string
	cmd := &cobra.Command{
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if algo == "" && specFile == "" {
				return cmdutil.UsageErrorf("say what to train: mlctl train gbm ..., mlctl train glm ... or mlctl train --spec FILE")
			}
			var err error
			if opts.Cluster, err = cmdutil.ResolveCluster(opts.Cluster); err != nil {
				return err
			}
			if opts.Spec, err = BuildSpec(algo, specFile, cmd.Flags(), flags); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	switch algo {
	case "":
		cmd.Use = "train --spec FILE [flags]"
		cmd.Short = "Train a model (GBM or GLM) on a frame"
		cmd.Long = trainLong
		cmd.Example = `  mlctl train gbm --cluster demo --frame train_0 --valid train_1 --target IsDelayed \
      --ntrees 200 --max-depth 6 --learn-rate 0.1 --stopping-rounds 5 --seed 7 --wait
  mlctl train glm --cluster demo --frame train_0 --valid train_1 --target IsDelayed \
      --family binomial --alpha 0.5 --lambda-search --wait
  mlctl train --cluster demo --spec examples/specs/gbm.yaml --seed 8`
		cmd.Args = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			msg := fmt.Sprintf("unknown algorithm %q: use mlctl train gbm or mlctl train glm", args[0])
			if c.SuggestionsMinimumDistance <= 0 {
				c.SuggestionsMinimumDistance = 2
			}
			if s := c.SuggestionsFor(args[0]); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %q?)", s[0])
			}
			return cmdutil.UsageErrorf("%s", msg)
		}
	case "gbm":
		cmd.Use = "gbm --frame FRAME --target COLUMN [flags]"
		cmd.Short = "Train a gradient boosting machine"
		cmd.Long = `Train a gradient boosting machine: trees grown one after another, each fitted
to what the ones before got wrong. The distribution is chosen from the target
unless --distribution says otherwise: bernoulli for two classes, multinomial
for more, gaussian for a number.

With --valid and --stopping-rounds N, training stops when the stopping metric
on the validation frame has not improved by --stopping-tolerance for N
scoring rounds. The same --seed trains the same model on any number of nodes.

See mlctl train --help for --wait, Ctrl-C and --spec.`
		cmd.Example = `  mlctl train gbm --cluster demo --frame train_0 --valid train_1 --target IsDelayed \
      --ntrees 200 --max-depth 6 --learn-rate 0.1 --stopping-rounds 5 --seed 7 --wait
  mlctl train gbm -c demo --spec examples/specs/gbm.yaml --ntrees 500`
		cmd.Args = cmdutil.NoArgs
	case "glm":
		cmd.Use = "glm --frame FRAME --target COLUMN [flags]"
		cmd.Short = "Train a generalized linear model"
		cmd.Long = `Train a generalized linear model with an elastic-net penalty: --alpha mixes
lasso (1) and ridge (0), --lambda sets the strength, or --lambda-search fits
a path of lambdas and keeps the best (on --valid when given). --offset-column
adds a column to the linear predictor as is, e.g. the log of the exposure in a
Poisson model of claim counts.

--alpha, --lambda, --standardize and --intercept are sent only when given;
otherwise the cluster's defaults apply (alpha 0.5, no penalty, standardized,
with an intercept).

See mlctl train --help for --wait, Ctrl-C and --spec.`
		cmd.Example = `  mlctl train glm --cluster demo --frame train_0 --valid train_1 --target IsDelayed \
      --family binomial --alpha 0.5 --lambda-search --wait
  mlctl train glm -c demo --frame claims --target Claims --family poisson \
      --offset-column logHolders --ignore Holders --lambda 0 --wait --output json`
		cmd.Args = cmdutil.NoArgs
	}
	fl := cmd.Flags()
	cmdutil.AddClusterFlag(cmd, &opts.Cluster)
	fl.StringVar(&specFile, "spec", "", "YAML file of parameters (keys: the flag names with _ for -); flags override it")
	addCommonFlags(fl, flags)
	if algo != "glm" {
		addGBMFlags(fl, flags)
	}
	if algo != "gbm" {
		addGLMFlags(fl, flags)
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	enums := map[string][]string{"distribution": distributions, "stopping-metric": stoppingMetrics,
		"family": families, "link": links, "solver": solvers}
	for name, values := range enums {
		if fl.Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return values, cobra.ShellCompDirectiveNoFileComp
			})
		}
	}
	return cmd
}

// BuildSpec reads specFile (if any), fixes the algorithm (algo, the
// subcommand, must agree with the file's), lays the flags the user set in
// fs (bound to flags; fs may be nil) over it and validates the result.
func BuildSpec(algo, specFile string, fs *pflag.FlagSet, flags *Spec) (*Spec, error) {
	s := &Spec{}
	if specFile != "" {
		var err error
		if s, err = LoadSpec(specFile); err != nil {
			return nil, err
		}
	}
	switch {
	case algo != "":
		if s.Given("algo") && strings.ToLower(s.Algo) != algo {
			return nil, s.bad("algo", "is %s, but the command is mlctl train %s", s.Algo, algo)
		}
		s.Algo = algo
	case !s.Given("algo"):
		return nil, cmdutil.UsageErrorf("%s has no algo: add algo: gbm or algo: glm, or run mlctl train gbm|glm --spec %s",
			specFile, specFile)
	}
	s.applyFlags(fs, flags)
	for _, p := range []*string{&s.Algo, &s.Distribution, &s.StoppingMetric, &s.Family, &s.Link, &s.Solver} {
		*p = strings.ToLower(strings.TrimSpace(*p))
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// Run starts the training job and, with Wait, follows it and prints the
// model.
func Run(opts *TrainOptions) error {
	ctx, s, ios := opts.Ctx, opts.Spec, opts.IO
	req := s.Request()
	c, err := fshared.Connect(ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	job, err := c.Train(ctx, req)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errs.New(errs.NotFound, fmt.Errorf("training %s: %w", req.Algo, err),
				"see the frames with: mlctl frame list --cluster "+opts.Cluster)
		}
		return fmt.Errorf("training %s: %w", req.Algo, err)
	}
	if !s.Wait {
		return printStarted(opts, job, req)
	}
	// The model's summary repeats the job's warnings; JSON carries them
	// only in the data, so then the job prints them on stderr.
	w := &jshared.Waiter{IO: ios, Client: c, Cluster: opts.Cluster, Now: opts.Now, Label: "training " + req.Algo,
		DeferWarnings: !opts.Output.IsData()}
	if job, err = w.Wait(ctx, job); err != nil {
		return err
	}
	id := job.Result
	if id == "" {
		id = req.ModelID
	}
	if id == "" {
		return fmt.Errorf("training job %s ended without naming its model; see mlctl model list --cluster %s", job.ID, opts.Cluster)
	}
	m, err := c.Model(ctx, id)
	if err != nil {
		return cmdutil.ModelError(opts.Cluster, id, err)
	}
	return mshared.PrintModel(ios, opts.Output, m, opts.Now())
}

// printStarted reports a job left running: the bare id when piped (so
// JOB=$(mlctl train ...) works), a sentence on a terminal, the job for
// --output json|yaml.
func printStarted(opts *TrainOptions, job *api.Job, req api.TrainRequest) error {
	ios := opts.IO
	if opts.Output.IsData() {
		return cmdutil.WriteData(ios.Out, opts.Output, job)
	}
	if !ios.IsStdoutTTY() {
		_, err := fmt.Fprintln(ios.Out, job.ID)
		return err
	}
	cs := ios.ColorScheme()
	_, err := fmt.Fprintf(ios.Out, "Started training job %s (%s on %s, target %s)\nFollow it with: mlctl job show --cluster %s %s\n",
		cs.Cyan(job.ID), req.Algo, req.Frame, req.Target, opts.Cluster, job.ID)
	return err
}
