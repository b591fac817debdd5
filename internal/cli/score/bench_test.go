package score

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/mlctl/mlctl/bench/gen"
	"github.com/mlctl/mlctl/scoring"
)

// airlineGBM is a 100-tree bernoulli GBM of depth 6 over bench/gen's
// airline columns, with the domains taken from data. With levels its
// splits are on every column (level sets over the calendar, carrier and
// airport columns, thresholds inside DepTime's and Distance's ranges);
// without, on DepTime and Distance only, which scoring compiles into its
// branch-free layout. Random splits are a worst case for the processor's
// branch prediction: trained trees route most rows the same way.
func airlineGBM(b testing.TB, data []byte, levels bool) *scoring.GBM {
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	header := recs[0]
	numeric := map[string][2]float64{"DepTime": {1, 2400}, "Distance": {30, 5000}}
	s := scoring.Schema{Response: "IsDelayed", Classes: []string{"0", "1"}}
	for j, name := range header[:len(header)-1] {
		if _, ok := numeric[name]; ok {
			s.Features = append(s.Features, scoring.Feature{Name: name, Type: scoring.Numeric})
			continue
		}
		seen := map[string]bool{}
		f := scoring.Feature{Name: name, Type: scoring.Categorical}
		for _, rec := range recs[1:] {
			if v := rec[j]; v != "" && !seen[v] {
				seen[v] = true
				f.Domain = append(f.Domain, v)
			}
		}
		s.Features = append(s.Features, f)
	}
	var feats []int // nil: all
	if !levels {
		feats = []int{s.Index("DepTime"), s.Index("Distance")}
	}
	rng := rand.New(rand.NewPCG(1, 7))
	m := &scoring.GBM{Schema: s, Distribution: "bernoulli", InitF: []float64{-0.1}}
	for range 100 {
		m.Trees = append(m.Trees, randomTreeIn(rng, &s, 6, feats, func(f int) float64 {
			r := numeric[s.Features[f].Name]
			return r[0] + rng.Float64()*(r[1]-r[0])
		}))
	}
	return m
}

// BenchmarkScoreCSV scores a 200,000-row airline CSV (bench/gen) with a
// 100-tree GBM into a CSV file, on one worker and on all CPUs. Besides
// rows/s (wall clock) it reports the CPU time per row, summed over the
// workers, of each phase: parse (engine/parse), model (levels mapped,
// PredictBatch, labels) and format (the output CSV).
//
//	go test -run '^$' -bench BenchmarkScoreCSV -benchtime 5x ./internal/cli/score/
func BenchmarkScoreCSV(b *testing.B) {
	const rows = 200_000
	var buf bytes.Buffer
	if err := gen.Airline(&buf, rows, 42); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	in := filepath.Join(dir, "airline.csv")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(dir, "out.csv")
	for _, levels := range []bool{true, false} {
		m := airlineGBM(b, buf.Bytes(), levels)
		mpath := filepath.Join(dir, "gbm.mlz")
		if err := scoring.WriteFile(mpath, &scoring.Artifact{Model: m, Manifest: scoring.Manifest{ModelID: "bench"}}, nil); err != nil {
			b.Fatal(err)
		}
		name := map[bool]string{true: "splits=all", false: "splits=numeric"}[levels]
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(name+"/workers="+strconv.Itoa(workers), func(b *testing.B) {
				times := &phaseTimes{}
				e := env{tune: func(o *ScoreOptions) { o.Workers = workers; o.times = times }}
				b.SetBytes(int64(buf.Len()))
				b.ResetTimer()
				start := time.Now()
				for range b.N {
					if _, stderr, err := e.run(b, mpath, in, "-o", out); err != nil || stderr != "mlctl: scored 200,000 rows\n" {
						b.Fatalf("%v %q", err, stderr)
					}
				}
				wall := time.Since(start)
				n := float64(rows * b.N)
				b.ReportMetric(n/wall.Seconds(), "rows/s")
				b.ReportMetric(float64(times.parse.Load())/n, "parse-ns/row")
				b.ReportMetric(float64(times.model.Load())/n, "model-ns/row")
				b.ReportMetric(float64(times.format.Load())/n, "format-ns/row")
			})
		}
	}
}
