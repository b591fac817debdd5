package bench

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mlctl/mlctl/bench/gen"
	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
)

// benchRows is the airline-like training set's size: MLCTL_BENCH_ROWS, or
// 100k (the peers' comparison at 1M rows is `make bench-peers`).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("MLCTL_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// generated returns a CSV written by write, made once per machine.
func generated(b *testing.B, name string, write func(io.Writer) error) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := gen.WriteFile(path, write); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchTrain imports the file once into a cloud of nodes and trains req
// b.N times (a new model id each time), reporting rows·trees/s.
func benchTrain(b *testing.B, nodes int, path string, req api.TrainRequest, rows int) {
	c := proctest.Start(b, nodes, 0)
	c.Import(b, api.ImportRequest{Paths: []string{path}, Name: "train"})
	req.Frame = "train"
	b.ResetTimer()
	var last *api.Model
	for i := 0; i < b.N; i++ {
		req.ModelID = fmt.Sprintf("m%d", i)
		last = c.Train(b, req, time.Hour)
	}
	b.StopTimer()
	for _, w := range last.Warnings {
		b.Log(w)
	}
	trees := float64(last.Iterations)
	b.ReportMetric(float64(rows)*trees*float64(b.N)/b.Elapsed().Seconds(), "rows·trees/s")
	for _, k := range []string{"auc", "rmse"} {
		if v, ok := last.Metrics.Train[k].(float64); ok {
			b.ReportMetric(v, "train_"+k)
		}
	}
}

func BenchmarkGBMAirline(b *testing.B) {
	rows := benchRows()
	path := generated(b, fmt.Sprintf("mlctl-airline-train-%d.csv", rows), func(w io.Writer) error { return gen.AirlineTrain(w, rows, 1) })
	req := api.TrainRequest{Algo: "gbm", Target: "IsDelayed", Seed: 1, GBM: &api.GBMParams{NTrees: 20, MaxDepth: 10, LearnRate: 0.1}}
	for _, nodes := range []int{1, 2} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) { benchTrain(b, nodes, path, req, rows) })
	}
}

func BenchmarkGBMHiggs(b *testing.B) {
	rows := benchRows()
	path := generated(b, fmt.Sprintf("mlctl-higgs-%d.csv", rows), func(w io.Writer) error { return gen.Higgs(w, rows, 1) })
	req := api.TrainRequest{Algo: "gbm", Target: "y", Seed: 1, GBM: &api.GBMParams{NTrees: 20, MaxDepth: 8, LearnRate: 0.1}}
	benchTrain(b, 1, path, req, rows)
}

func BenchmarkGLMAirline(b *testing.B) {
	rows := benchRows()
	path := generated(b, fmt.Sprintf("mlctl-airline-train-%d.csv", rows), func(w io.Writer) error { return gen.AirlineTrain(w, rows, 1) })
	zero := 0.0
	req := api.TrainRequest{Algo: "glm", Target: "IsDelayed", GLM: &api.GLMParams{Family: "binomial", Lambda: &zero}}
	benchTrain(b, 1, path, req, rows)
}

// A GLM with a 4,000-level categorical (Route): more than 2,000
// coefficients, so solver auto takes L-BFGS.
func BenchmarkGLMWideCategorical(b *testing.B) {
	rows := benchRows()
	path := generated(b, fmt.Sprintf("mlctl-airline-route-%d.csv", rows), func(w io.Writer) error { return gen.AirlineTrainWithRoute(w, rows, 1) })
	zero := 0.0
	req := api.TrainRequest{Algo: "glm", Target: "IsDelayed", GLM: &api.GLMParams{Family: "binomial", Lambda: &zero}}
	benchTrain(b, 1, path, req, rows)
}
