package proc_test

import (
	"bytes"
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
)

func airlineSample(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples", "data", "airline-sample.csv")
}

func trainWait(t *testing.T, c *api.Client, req api.TrainRequest) (*api.Model, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	j, err := c.Train(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	j, err = c.WaitJob(ctx, j.ID, nil)
	if err != nil {
		t.Fatalf("train: %v (%+v)", err, j)
	}
	m, err := c.Model(ctx, j.Result)
	if err != nil {
		t.Fatal(err)
	}
	body, err := c.ModelBody(ctx, j.Result)
	if err != nil {
		t.Fatal(err)
	}
	return m, body
}

// The same data, parameters and seed give the same model, to the bit, on
// 1, 2 and 3 nodes: compared as the serialized scoring model.
func TestGBMBitIdenticalAcrossNodeCounts(t *testing.T) {
	path := airlineSample(t)
	var bodies [][]byte
	var models []*api.Model
	for _, n := range []int{1, 2, 3} {
		tc := startCloud(t, n, 16<<10)
		importWait(t, tc.client, api.ImportRequest{Paths: []string{path}, Name: "air"})
		if _, err := tc.client.Split(context.Background(), api.SplitRequest{Frame: "air", Ratios: []float64{0.8, 0.2}, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		m, body := trainWait(t, tc.client, api.TrainRequest{Algo: "gbm", ModelID: "g", Frame: "air_0", Valid: "air_1", Target: "IsDelayed", Seed: 7,
			GBM: &api.GBMParams{NTrees: 20, MaxDepth: 5, SampleRate: 0.8, ColSampleRate: 0.8}})
		bodies = append(bodies, body)
		models = append(models, m)
	}
	for i := 1; i < len(bodies); i++ {
		if !bytes.Equal(bodies[0], bodies[i]) {
			t.Errorf("model on %d nodes differs from 1 node (%d vs %d bytes)", i+1, len(bodies[i]), len(bodies[0]))
		}
	}
	auc, _ := models[0].Metrics.Valid["auc"].(float64)
	if models[0].Kind != "binomial" || !(auc > 0.5) {
		t.Errorf("kind %s, valid auc %v: want a binomial model better than chance", models[0].Kind, models[0].Metrics.Valid["auc"])
	}
	t.Logf("valid auc %.4f train auc %v, %d trees", auc, models[0].Metrics.Train["auc"], models[0].Iterations)
}
