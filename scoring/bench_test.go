package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// The benchmark model: 100 complete depth-6 trees of a bernoulli GBM over
// 10 numeric features, split at values drawn from the data, half of the
// splits sending missing values left; the data are 1M rows of normal
// values, 1% of them missing.
const (
	benchRows     = 1 << 20
	benchFeatures = 10
	benchTrees    = 100
	benchDepth    = 6
)

var bench struct {
	once sync.Once
	gbm  *GBM
	glm  *GLM
	cols [][]float64
	rows [][]float64 // the first rows as rows, for Predict
}

func benchSetup() {
	bench.once.Do(func() {
		rng := rand.New(rand.NewPCG(42, 43))
		cols := make([][]float64, benchFeatures)
		for j := range cols {
			cols[j] = make([]float64, benchRows)
			for r := range cols[j] {
				cols[j][r] = rng.NormFloat64()*float64(j+1) + float64(j)
				if rng.IntN(100) == 0 {
					cols[j][r] = math.NaN()
				}
			}
		}
		var s Schema
		for j := 0; j < benchFeatures; j++ {
			s.Features = append(s.Features, Feature{Name: fmt.Sprintf("x%d", j), Type: Numeric})
		}
		s.Classes = []string{"0", "1"}
		m := &GBM{Schema: s, Distribution: "bernoulli", InitF: []float64{-0.3}}
		nodes := 1<<(benchDepth+1) - 1
		for t := 0; t < benchTrees; t++ {
			tr := Tree{Feature: make([]int32, nodes), Threshold: make([]float64, nodes), Flags: make([]uint8, nodes),
				CatStart: make([]int32, nodes), CatWords: make([]int32, nodes), Left: make([]int32, nodes),
				Right: make([]int32, nodes), Value: make([]float64, nodes), Cover: make([]float64, nodes)}
			for i := nodes - 1; i >= 0; i-- {
				if 2*i+1 >= nodes {
					tr.Feature[i], tr.Left[i], tr.Right[i] = -1, -1, -1
					tr.Value[i], tr.Cover[i] = rng.NormFloat64()*0.1, 1+rng.Float64()
					continue
				}
				f := rng.IntN(benchFeatures)
				v := math.NaN()
				for math.IsNaN(v) {
					v = cols[f][rng.IntN(benchRows)]
				}
				tr.Feature[i], tr.Threshold[i] = int32(f), v
				if rng.IntN(2) == 0 {
					tr.Flags[i] = FlagNALeft
				}
				tr.Left[i], tr.Right[i] = int32(2*i+1), int32(2*i+2)
				tr.Cover[i] = tr.Cover[2*i+1] + tr.Cover[2*i+2]
			}
			m.Trees = append(m.Trees, tr)
		}
		bench.gbm, bench.cols = m, cols

		g := &GLM{Schema: Schema{Features: s.Features, Classes: s.Classes}, Family: "binomial", Link: "logit", Intercept: true}
		for j := 0; j < benchFeatures; j++ {
			g.Start = append(g.Start, j)
			g.Impute = append(g.Impute, float64(j))
		}
		g.Beta = [][]float64{make([]float64, benchFeatures+1)}
		for i := range g.Beta[0] {
			g.Beta[0][i] = rng.NormFloat64() * 0.1
		}
		bench.glm = g

		bench.rows = make([][]float64, 100_000)
		for r := range bench.rows {
			row := make([]float64, benchFeatures)
			for j := range row {
				row[j] = cols[j][r]
			}
			bench.rows[r] = row
		}
	})
}

func reportPerTreeRow(b *testing.B, rows int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows*benchTrees), "ns/tree-row")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
}

// reportBestChunk scores the data again in 16 chunks of 64K rows, timing
// each, and reports the fastest chunk per tree-row: on a shared machine the
// mean mixes in other processes' load, the best chunk much less.
func reportBestChunk(b *testing.B, score func(cols, out [][]float64)) {
	const chunks = 16
	out := outColumns(2, benchRows)
	step := benchRows / chunks
	best := time.Duration(math.MaxInt64)
	for c := 0; c < chunks; c++ {
		cols, o := make([][]float64, len(bench.cols)), make([][]float64, len(out))
		for j := range cols {
			cols[j] = bench.cols[j][c*step : (c+1)*step]
		}
		for j := range o {
			o[j] = out[j][c*step : (c+1)*step]
		}
		t0 := time.Now()
		score(cols, o)
		best = min(best, time.Since(t0))
	}
	b.ReportMetric(float64(best.Nanoseconds())/float64(step*benchTrees), "best-ns/tree-row")
}

func BenchmarkGBMPredictBatch(b *testing.B) {
	benchSetup()
	out := outColumns(2, benchRows)
	bench.gbm.PredictBatch(bench.cols, out) // build the plan outside the timing
	b.ResetTimer()
	for b.Loop() {
		bench.gbm.PredictBatch(bench.cols, out)
	}
	reportPerTreeRow(b, benchRows)
	reportBestChunk(b, bench.gbm.PredictBatch)
}

func BenchmarkGBMPredictParallel2(b *testing.B) {
	benchSetup()
	out := outColumns(2, benchRows)
	bench.gbm.PredictBatch(bench.cols, out)
	b.ResetTimer()
	for b.Loop() {
		PredictParallel(bench.gbm, bench.cols, out, 2)
	}
	reportPerTreeRow(b, benchRows)
	reportBestChunk(b, func(cols, out [][]float64) { PredictParallel(bench.gbm, cols, out, 2) })
}

// Predict row by row, for comparison with the batch.
func BenchmarkGBMPredict(b *testing.B) {
	benchSetup()
	benchRowByRow(b, bench.gbm.Predict)
}

// BenchmarkGBMPredictPlain is the plain definition Predict is checked
// against (each tree walked with Tree.Leaf, what Predict did before it used
// the plan), timed in the same run for comparison.
func BenchmarkGBMPredictPlain(b *testing.B) {
	benchSetup()
	benchRowByRow(b, plainPredict)
}

func benchRowByRow(b *testing.B, predict func(row, out []float64)) {
	out := make([]float64, 2)
	predict(bench.rows[0], out) // build the plan outside the timing
	i := 0
	for b.Loop() {
		predict(bench.rows[i], out)
		if i++; i == len(bench.rows) {
			i = 0
		}
	}
	reportPerTreeRow(b, 1)
}

// plainPredict is refPredict for the benchmark model, without allocating.
func plainPredict(row, out []float64) {
	var mg [1]float64
	refMargins(bench.gbm, row, mg[:], -1)
	Transform(bench.gbm.Distribution, mg[:], out)
}

// BenchmarkGBMPredictLatency times each of 100k single-row Predict calls
// and reports the median and the 99th percentile, for Predict and for the
// plain definition.
func BenchmarkGBMPredictLatency(b *testing.B) {
	benchSetup()
	b.Run("compiled", func(b *testing.B) { benchLatency(b, bench.gbm.Predict) })
	b.Run("plain", func(b *testing.B) { benchLatency(b, plainPredict) })
}

func benchLatency(b *testing.B, predict func(row, out []float64)) {
	out := make([]float64, 2)
	predict(bench.rows[0], out)
	lat := make([]time.Duration, len(bench.rows))
	var p50, p99 time.Duration
	for b.Loop() {
		for i, row := range bench.rows {
			t0 := time.Now()
			predict(row, out)
			lat[i] = time.Since(t0)
		}
		slices.Sort(lat)
		p50, p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	b.ReportMetric(float64(p50.Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(p99.Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(bench.rows)), "ns/row")
}

// BenchmarkGBMPredictSingleParallel is Predict from every P at once on the
// one model, as a server's request goroutines call it: the plan lookup
// must not serialize them.
func BenchmarkGBMPredictSingleParallel(b *testing.B) {
	benchSetup()
	bench.gbm.Predict(bench.rows[0], make([]float64, 2))
	b.RunParallel(func(pb *testing.PB) {
		out := make([]float64, 2)
		i := 0
		for pb.Next() {
			bench.gbm.Predict(bench.rows[i], out)
			if i++; i == len(bench.rows) {
				i = 0
			}
		}
	})
}

// BenchmarkGBMSinglePlanLookup is the cost of finding the model's plan,
// which every Predict pays: through planCache, and through the weak-keyed
// map alone (what a planCache miss costs on top).
func BenchmarkGBMSinglePlanLookup(b *testing.B) {
	benchSetup()
	for _, c := range []struct {
		name string
		find func() *gbmPlan
	}{{"cache", bench.gbm.plan}, {"weakmap", bench.gbm.batchPlan}} {
		b.Run(c.name, func(b *testing.B) {
			c.find()
			for b.Loop() {
				c.find()
			}
		})
		b.Run(c.name+"-parallel", func(b *testing.B) {
			c.find()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c.find()
				}
			})
		})
	}
}

func BenchmarkGBMContributions(b *testing.B) {
	benchSetup()
	out := make([]float64, benchFeatures+1)
	i := 0
	for b.Loop() {
		bench.gbm.Contributions(bench.rows[i], out)
		if i++; i == len(bench.rows) {
			i = 0
		}
	}
	reportPerTreeRow(b, 1)
}

func BenchmarkGLMPredictBatch(b *testing.B) {
	benchSetup()
	out := outColumns(2, benchRows)
	for b.Loop() {
		bench.glm.PredictBatch(bench.cols, out)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(benchRows), "ns/row")
}

// GLM Predict row by row over the same columns as the batch (each row
// gathered from them), for a like-for-like comparison.
func BenchmarkGLMPredict(b *testing.B) {
	benchSetup()
	out := make([]float64, 2)
	row := make([]float64, benchFeatures)
	r := 0
	for b.Loop() {
		for j := range row {
			row[j] = bench.cols[j][r]
		}
		bench.glm.Predict(row, out)
		if r++; r == benchRows {
			r = 0
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/row")
}
