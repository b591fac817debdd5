package list

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func TestModelList(t *testing.T) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	c := &clitest.ClusterAPI{ModelList: []api.ModelInfo{
		{ModelID: "glm-2", Algo: "glm", Target: "IsDelayed", Frame: "train_0", Metric: "auc", Value: 0.7, TrainingTimeMS: 800, Created: clitest.Now.Add(-time.Minute)},
		{ModelID: "gbm-1", Algo: "gbm", Target: "IsDelayed", Frame: "train_0", Metric: "auc", Value: 0.74, TrainingTimeMS: 12345, Created: clitest.Now.Add(-time.Hour)},
	}}
	tests := []struct {
		tty    bool
		format cmdutil.OutputFormat
		want   string
	}{
		{false, cmdutil.OutputTable, "MODEL ID\tALGO\tTARGET\tFRAME\tMETRIC\tVALUE\tTIME\tCREATED\n" +
			"gbm-1\tgbm\tIsDelayed\ttrain_0\tauc\t0.74\t12.345s\t2025-06-01T11:00:00Z\n" +
			"glm-2\tglm\tIsDelayed\ttrain_0\tauc\t0.7\t800ms\t2025-06-01T11:59:00Z\n"},
		{true, cmdutil.OutputTable, "MODEL ID  ALGO  TARGET     FRAME    METRIC  VALUE  TIME   CREATED\n" +
			"gbm-1     gbm   IsDelayed  train_0  auc     0.74   12.3s  1 hour ago\n"},
		{false, cmdutil.OutputJSON, "[\n  {\n    \"model_id\": \"gbm-1\",\n"},
	}
	for _, tt := range tests {
		f, ios := clitest.Factory(b, c)
		ios.SetStdoutTTY(tt.tty)
		err := Run(&ListOptions{IO: ios, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: context.Background(), Cluster: "demo", Output: tt.format})
		if err != nil {
			t.Fatal(err)
		}
		if got := clitest.Out(ios); !strings.HasPrefix(got, tt.want) {
			t.Errorf("tty=%v %s:\n%q\nwant prefix\n%q", tt.tty, tt.format, got, tt.want)
		}
	}

	f, ios := clitest.Factory(b, &clitest.ClusterAPI{})
	ios.SetStdoutTTY(true)
	if err := Run(&ListOptions{IO: ios, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: context.Background(), Cluster: "demo"}); err != nil {
		t.Fatal(err)
	}
	if got := clitest.ErrOut(ios); !strings.Contains(got, "no models on cluster demo; train one with: mlctl train gbm --cluster demo") {
		t.Errorf("empty tty: %q", got)
	}
	t.Setenv(cmdutil.EnvCluster, "")
	if err := clitest.Exec(NewCmdList(f, nil)); errs.Code(err) != errs.Usage {
		t.Errorf("no cluster: code %d (%v)", errs.Code(err), err)
	}
}
