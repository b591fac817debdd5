package predict

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func fixtures() (*clitest.Backend, *clitest.ClusterAPI) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	c := &clitest.ClusterAPI{
		ModelDetails: map[string]*api.Model{"gbm-1": clitest.GBMModel()},
		FrameList: []api.FrameInfo{
			{Name: "train_1", Rows: 1000, Columns: 9, Chunks: 2, MemBytes: 1 << 20, Source: "train"},
			{Name: "train_1_pred", Rows: 1000, Columns: 3, Chunks: 2, MemBytes: 1 << 16, Source: "gbm-1"},
		},
		JobUpdates: []api.Job{
			{ID: "job-1", Kind: "predict", State: "running", Progress: 0.5},
			{ID: "job-1", Kind: "predict", State: "done", Progress: 1, Result: "train_1_pred"},
		},
	}
	return b, c
}

func TestPredictFlags(t *testing.T) {
	b, c := fixtures()
	f, _ := clitest.Factory(b, c)
	var got *PredictOptions
	runF := func(o *PredictOptions) error { got = o; return nil }
	if err := clitest.Exec(NewCmdPredict(f, runF), "-c", "demo", "--model", "gbm-1", "--frame", "train_1", "--name", "p"); err != nil {
		t.Fatal(err)
	}
	if got.Model != "gbm-1" || got.Frame != "train_1" || got.Name != "p" || !got.Wait {
		t.Errorf("opts %+v (wait must default to true)", got)
	}
	t.Setenv(cmdutil.EnvCluster, "")
	for _, bad := range [][]string{
		{"--model", "gbm-1", "--frame", "train_1"},
		{"-c", "demo", "--frame", "train_1"},
		{"-c", "demo", "--model", "gbm-1"},
		{"-c", "demo", "--model", "gbm-1", "--frame", "train_1", "extra"},
		{"-c", "demo", "--model", "gbm-1", "--frame", "train_1", "--wait=maybe"},
	} {
		if err := clitest.Exec(NewCmdPredict(f, runF), bad...); errs.Code(err) != errs.Usage {
			t.Errorf("%v: code %d (%v)", bad, errs.Code(err), err)
		}
	}
}

func TestPredictRun(t *testing.T) {
	tests := []struct {
		tty    bool
		wait   bool
		format cmdutil.OutputFormat
		out    string
		errOut string
	}{
		{false, true, cmdutil.OutputTable, "NAME\tROWS\tCOLUMNS\tCHUNKS\tMEMORY\tSOURCE\ntrain_1_pred\t1000\t3\t2\t65536\tgbm-1\n",
			"predicting train_1  50%\npredicting train_1 100%\n"},
		{true, true, cmdutil.OutputTable, "NAME          ROWS  COLUMNS  CHUNKS  MEMORY    SOURCE\ntrain_1_pred  1000  3        2       64.0 KiB  gbm-1\n",
			"\rpredicting train_1 [##########..........]  50%"},
		{false, true, cmdutil.OutputJSON, "{\n  \"name\": \"train_1_pred\",\n", "predicting train_1  50%\n"},
		{false, false, cmdutil.OutputTable, "job-1\n", ""},
		{true, false, cmdutil.OutputTable, "Started prediction job job-1 (gbm-1 on train_1)\nFollow it with: mlctl job show --cluster demo job-1\n", ""},
	}
	for _, tt := range tests {
		b, c := fixtures()
		f, ios := clitest.Factory(b, c)
		ios.SetStdoutTTY(tt.tty)
		ios.SetStderrTTY(tt.tty)
		err := Run(&PredictOptions{IO: ios, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: context.Background(), Cluster: "demo",
			Model: "gbm-1", Frame: "train_1", Name: "train_1_pred", Wait: tt.wait, Output: tt.format})
		if err != nil {
			t.Fatal(err)
		}
		if want := (api.PredictRequest{Model: "gbm-1", Frame: "train_1", Name: "train_1_pred"}); !reflect.DeepEqual(c.Predicts, []api.PredictRequest{want}) {
			t.Errorf("requests %+v", c.Predicts)
		}
		if got := clitest.Out(ios); !strings.HasPrefix(got, tt.out) {
			t.Errorf("tty=%v wait=%v %s: stdout\n%q\nwant prefix\n%q", tt.tty, tt.wait, tt.format, got, tt.out)
		}
		if got := clitest.ErrOut(ios); !strings.HasPrefix(got, tt.errOut) || (tt.errOut == "" && got != "") {
			t.Errorf("tty=%v wait=%v %s: stderr %q, want prefix %q", tt.tty, tt.wait, tt.format, got, tt.errOut)
		}
	}
}

func TestPredictNotFound(t *testing.T) {
	run := func(model, frame string) error {
		b, c := fixtures()
		f, ios := clitest.Factory(b, c)
		return Run(&PredictOptions{IO: ios, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: context.Background(), Cluster: "demo",
			Model: model, Frame: frame, Wait: true})
	}
	err := run("nosuch", "train_1")
	if errs.Code(err) != errs.NotFound || err.Error() != `no model "nosuch" on cluster "demo"` ||
		errs.Hint(err) != "mlctl model list --cluster demo shows the models" {
		t.Errorf("unknown model: code %d %v (hint %q)", errs.Code(err), err, errs.Hint(err))
	}

	// A leader that refuses an unknown frame with not-found.
	b, c := fixtures()
	f, ios := clitest.Factory(b, c)
	refuser := &frameRefuser{c}
	err = Run(&PredictOptions{IO: ios, Now: f.Now, Ctx: context.Background(), Cluster: "demo", Model: "gbm-1", Frame: "nosuch", Wait: true,
		ClusterAPI: func(context.Context, string) (cmdutil.ClusterAPI, error) { return refuser, nil }})
	if errs.Code(err) != errs.NotFound || err.Error() != `no frame named "nosuch" on cluster "demo"` {
		t.Errorf("unknown frame: code %d %v", errs.Code(err), err)
	}

	b, c = fixtures()
	c.JobUpdates = []api.Job{{ID: "job-1", State: "failed", Error: "column DepTime missing"}}
	c.WaitErr = errors.New("predict failed: column DepTime missing")
	f, ios = clitest.Factory(b, c)
	err = Run(&PredictOptions{IO: ios, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: context.Background(), Cluster: "demo", Model: "gbm-1", Frame: "train_1", Wait: true})
	if errs.Code(err) != errs.Error || err.Error() != "predicting train_1 failed: column DepTime missing" {
		t.Errorf("failed job: code %d %v", errs.Code(err), err)
	}
}

type frameRefuser struct{ *clitest.ClusterAPI }

func (r *frameRefuser) Predict(ctx context.Context, req api.PredictRequest) (*api.Job, error) {
	if _, err := r.Frame(ctx, req.Frame); err != nil {
		return nil, err
	}
	return r.ClusterAPI.Predict(ctx, req)
}

func TestPredictCtrlC(t *testing.T) {
	b, c := fixtures()
	c.JobUpdates = []api.Job{{ID: "job-1", State: "running", Progress: 0.2}}
	c.JobList = []api.Job{{ID: "job-1", Kind: "predict", State: "running"}}
	c.WaitBlock, c.Waiting = true, make(chan struct{})
	f, ios := clitest.Factory(b, c)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-c.Waiting; cancel() }()
	err := Run(&PredictOptions{IO: ios, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: ctx, Cluster: "demo", Model: "gbm-1", Frame: "train_1", Wait: true})
	if errs.Code(err) != errs.Interrupted || !strings.HasSuffix(clitest.ErrOut(ios), "cancel it with: mlctl job cancel --cluster demo job-1\n") {
		t.Errorf("Ctrl-C: code %d %v, stderr %q", errs.Code(err), err, clitest.ErrOut(ios))
	}
}
