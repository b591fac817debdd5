package root

import (
	"fmt"

	"github.com/mlctl/mlctl/completions"
	"github.com/mlctl/mlctl/internal/cli/admin"
	"github.com/mlctl/mlctl/internal/cli/cluster"
	"github.com/mlctl/mlctl/internal/cli/frame"
	"github.com/mlctl/mlctl/internal/cli/job"
	"github.com/mlctl/mlctl/internal/cli/keygen"
	"github.com/mlctl/mlctl/internal/cli/model"
	"github.com/mlctl/mlctl/internal/cli/policy"
	"github.com/mlctl/mlctl/internal/cli/predict"
	"github.com/mlctl/mlctl/internal/cli/quickstart"
	"github.com/mlctl/mlctl/internal/cli/score"
	"github.com/mlctl/mlctl/internal/cli/train"
	"github.com/mlctl/mlctl/internal/cli/version"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdRoot returns the `mlctl` command with every group and verb. extra
// commands (e.g. the hidden `engine` group, which needs the engine) are
// added as given.
func NewCmdRoot(f *cmdutil.Factory, extra ...*cobra.Command) *cobra.Command {
	var noColor bool
	cmd := &cobra.Command{
		Use:   "mlctl <command>",
		Short: "Run distributed in-memory ML clusters on this machine or on YARN",
		Long: `mlctl launches clusters of an in-memory ML engine, on this machine (the local
backend) or on YARN, and drives them: import data into frames, summarise and
split them, train GBM and GLM models on them, score frames with the models,
and stop the cluster when you are done.

Start with:  mlctl quickstart

Exit codes: 0 ok, 1 error, 2 usage, 3 denied by policy, 4 authentication
(Kerberos), 5 timeout, 6 not found, 8 still pending, 130 interrupted (Ctrl-C).`,
		Example: `  mlctl cluster launch demo --nodes 3 --memory 1g --wait
  mlctl frame import --cluster demo examples/data/*.csv --name train
  mlctl frame split train --cluster demo --ratios 0.8,0.2 --seed 42
  mlctl train gbm --cluster demo --frame train_0 --valid train_1 --target IsDelayed --wait
  mlctl predict --cluster demo --model MODEL --frame train_1
  mlctl cluster stop demo`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(c *cobra.Command, _ []string) error {
			// Settings first: no_color from a file or MLCTL_NO_COLOR fills
			// --no-color like any flag.
			if err := applyConfig(f, c); err != nil {
				return err
			}
			if noColor {
				f.IOStreams.SetColorEnabled(false)
			}
			return nil
		},
	}
	cmd.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	// mlctl --version prints what mlctl version does.
	cmd.Version = f.Build.Version
	cmd.SetVersionTemplate(fmt.Sprintf("mlctl %s (commit %s, %s)\n", f.Build.Version, f.Build.Commit, f.Build.GoVersion))
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	cmdutil.MakeGroup(cmd)
	addConfig(cmd, f)

	pf := cmd.PersistentFlags()
	pf.BoolVarP(&f.Verbose, "verbose", "v", false, "say more about what is happening, and show error causes")
	pf.BoolVar(&noColor, "no-color", false, "no colour in output (also: NO_COLOR=1)")
	pf.StringVar(&f.PolicyFile, "policy", "", "the policy file (default $MLCTL_POLICY, else /etc/mlctl/policy.yaml if it exists, else the built-in local policy)")
	pf.BoolVar(&f.InsecurePolicy, "insecure-policy", false, "use a policy file others could have changed (development only)")

	cmd.AddCommand(
		cluster.NewCmdCluster(f),
		frame.NewCmdFrame(f),
		train.NewCmdTrain(f, nil),
		model.NewCmdModel(f),
		predict.NewCmdPredict(f, nil),
		score.NewCmdScore(f, nil),
		job.NewCmdJob(f),
		quickstart.NewCmdQuickstart(f, nil),
		version.NewCmdVersion(f, nil),
		keygen.NewCmdKeygen(f, nil),
		policy.NewCmdPolicy(f),
		admin.NewCmdAdmin(f),
	)
	cmd.AddCommand(extra...)
	// mlctl's own `completion` replaces cobra's default one; the dynamic
	// completers are attached last, once every command is in the tree.
	cmd.CompletionOptions.DisableDefaultCmd = true
	cmd.AddCommand(completions.NewCmdCompletion(f, nil))
	completions.Register(cmd, f)
	return cmd
}
