package quickstart

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/scoring"
)

func fixtures() (*clitest.Backend, *clitest.ClusterAPI) {
	b := clitest.NewBackend("local")
	c := &clitest.ClusterAPI{
		FrameList: []api.FrameInfo{{Name: "airline", Rows: 5000, Columns: 9, Chunks: 3, MemBytes: 1 << 20}},
		Summaries: map[string]*api.Summary{"airline": {Name: "airline", Rows: 5000,
			Columns: []api.ColumnSummary{{Name: "Month", Type: "categorical"}}}},
		CloudStatus:  &api.CloudStatus{Cluster: "quickstart", Healthy: true, Size: 3, Started: clitest.Now},
		ModelExports: map[string]*api.ModelExport{"gbm_delay": gbmExport()},
		ModelDetails: map[string]*api.Model{
			"gbm_delay": {ModelID: "gbm_delay", Algo: "gbm", TrainingTimeMS: 800,
				Metrics: api.Metrics{Train: map[string]any{"auc": 0.9}, Valid: map[string]any{"auc": 0.71, "logloss": 0.6, "f1": 0.5}}},
			"glm_delay": {ModelID: "glm_delay", Algo: "glm", TrainingTimeMS: 70,
				Metrics: api.Metrics{Train: map[string]any{"auc": 0.68}, Valid: map[string]any{"auc": 0.66, "logloss": 0.64, "f1": 0.55}}},
		},
	}
	return b, c
}

// gbmExport is a one-split GBM on two of the example's columns, as the
// leader exports it.
func gbmExport() *api.ModelExport {
	s := scoring.Schema{Features: []scoring.Feature{{Name: "Distance", Type: scoring.Numeric}, {Name: "Origin", Type: scoring.Categorical, Domain: []string{"LAS", "ORD"}}},
		Response: "IsDelayed", Classes: []string{"0", "1"}}
	m := &scoring.GBM{Schema: s, Distribution: "bernoulli", InitF: []float64{0}, Trees: []scoring.Tree{{
		Feature: []int32{0, -1, -1}, Threshold: []float64{500, 0, 0}, Flags: []uint8{scoring.FlagNALeft, 0, 0},
		CatStart: make([]int32, 3), CatWords: make([]int32, 3), Left: []int32{1, -1, -1}, Right: []int32{2, -1, -1},
		Value: []float64{0, -1, 1}, Cover: []float64{2, 1, 1}}}}
	body, _ := scoring.EncodeBody(m)
	th := api.Number(0.5)
	return &api.ModelExport{Model: &api.Model{ModelID: "gbm_delay", Algo: "gbm", Kind: "binomial", Frame: "airline_train"}, Schema: s, Body: body, Threshold: &th}
}

func run(t *testing.T, b *clitest.Backend, c *clitest.ClusterAPI, ctx context.Context) (string, string, error) {
	f, ios := clitest.Factory(b, c)
	err := Run(&QuickstartOptions{IO: ios, Backend: f.Backend, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: ctx,
		Timeout: time.Minute, TempDir: t.TempDir()})
	return clitest.Out(ios), clitest.ErrOut(ios), err
}

func TestQuickstart(t *testing.T) {
	b, c := fixtures()
	out, _, err := run(t, b, c, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"launch quickstart", "stop quickstart", "delete quickstart"}; !reflect.DeepEqual(b.Calls, want) {
		t.Errorf("calls %v, want %v", b.Calls, want)
	}
	if len(c.Imports) != 1 || c.Imports[0].Name != "airline" || !strings.HasSuffix(c.Imports[0].Paths[0], "/airline-sample.csv") {
		t.Errorf("imports %+v", c.Imports)
	}
	if len(c.Trains) != 2 || c.Trains[0].Algo != "gbm" || c.Trains[1].Algo != "glm" || c.Trains[0].Valid != "airline_valid" {
		t.Errorf("trains %+v", c.Trains)
	}
	if len(c.Splits) != 1 || c.Splits[0].Frame != "airline" {
		t.Errorf("splits %+v", c.Splits)
	}
	for _, want := range []string{"# Launching cluster quickstart", "COLUMN\tTYPE", "Month\tcategorical", "health\thealthy", "# Stopping and deleting",
		"# Validation metrics", "gbm_delay\tgbm\t0.7100\t0.6000\t0.5000\t0.9000", "glm_delay\tglm\t0.6600",
		"# Exporting gbm_delay", "gbm_delay.mlz\n", "# Verifying", "ok ", "# Scoring the example data",
		"Origin,Dest,IsDelayed,predict,p_0,p_1\nLAS,RDU,1,1,0.2689414213699951,0.7310585786300049\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

func TestQuickstartRemovesLeftover(t *testing.T) {
	b, c := fixtures()
	b.Clusters["quickstart"] = &launcher.Record{Name: "quickstart", State: "running"}
	_, errOut, err := run(t, b, c, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "earlier run; stopping and deleting it first") {
		t.Errorf("stderr %q", errOut)
	}
	if b.Calls[0] != "stop quickstart" || b.Calls[1] != "delete quickstart" || b.Calls[2] != "launch quickstart" {
		t.Errorf("calls %v", b.Calls)
	}
}

func TestQuickstartCleansUpOnError(t *testing.T) {
	b, c := fixtures()
	c.Summaries = nil // the summary step fails
	_, _, err := run(t, b, c, context.Background())
	if err == nil {
		t.Fatal("want an error")
	}
	if _, ok := b.Clusters["quickstart"]; ok {
		t.Error("cluster left behind after an error")
	}

	// Ctrl-C: ctx is cancelled, cleanup still runs with its own context.
	b, c = fixtures()
	ctx, cancel := context.WithCancel(context.Background())
	c.CloudErr = errors.New("interrupted")
	c.JobUpdates = nil
	cancel()
	_, _, _ = run(t, b, c, ctx)
	if _, ok := b.Clusters["quickstart"]; ok {
		t.Error("cluster left behind after cancel")
	}
}
