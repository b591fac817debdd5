package model

import (
	"github.com/mlctl/mlctl/internal/cli/model/delete"
	"github.com/mlctl/mlctl/internal/cli/model/export"
	"github.com/mlctl/mlctl/internal/cli/model/importmodel"
	"github.com/mlctl/mlctl/internal/cli/model/inspect"
	"github.com/mlctl/mlctl/internal/cli/model/list"
	"github.com/mlctl/mlctl/internal/cli/model/show"
	"github.com/mlctl/mlctl/internal/cli/model/verify"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdModel returns the `model` command group.
func NewCmdModel(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "model <command>",
		Short: "List, show, delete and export trained models; inspect and verify artifacts",
		Long: `A model is what mlctl train leaves on the cluster: its parameters, metrics on
the training, validation and cross-validation data, variable importances and,
for a GLM, its coefficients. Models live in the cluster's memory and go when
it stops; mlctl model export writes one to a portable .mlz artifact that
mlctl score reads with no cluster. inspect and verify work on artifacts.`,
		Example: `  mlctl model list --cluster demo
  mlctl model show --cluster demo gbm-IsDelayed-1
  mlctl model show -c demo gbm-IsDelayed-1 -o json | jq .metrics.valid.auc
  mlctl model delete --cluster demo gbm-IsDelayed-1
  mlctl model export --cluster demo gbm-IsDelayed-1 -o delay.mlz
  mlctl model verify delay.mlz
  mlctl model import --from lightgbm model.txt -o lgb.mlz`,
	}
	cmdutil.MakeGroup(cmd)
	cmd.AddCommand(
		list.NewCmdList(f, nil),
		show.NewCmdShow(f, nil),
		delete.NewCmdDelete(f, nil),
		export.NewCmdExport(f, nil),
		inspect.NewCmdInspect(f, nil),
		verify.NewCmdVerify(f, nil),
		importmodel.NewCmdImport(f, nil),
	)
	return cmd
}
