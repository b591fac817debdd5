package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlctl/mlctl/engine/mr"
)

// naive is the plain reference: one pass for the mean, one for the variance.
func naive(xs []float64) (n, na int64, mean, sd, lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	var sum float64
	for _, x := range xs {
		if math.IsNaN(x) {
			na++
			continue
		}
		n++
		sum += x
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	mean = sum / float64(n)
	var ss float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			ss += (x - mean) * (x - mean)
		}
	}
	return n, na, mean, math.Sqrt(ss / float64(n-1)), lo, hi
}

func TestCombinedStatsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 50; trial++ {
		xs := make([]float64, 1+rng.IntN(5000))
		shift := rng.NormFloat64() * 1e6
		for i := range xs {
			if rng.IntN(10) == 0 {
				xs[i] = math.NaN()
			} else {
				xs[i] = shift + rng.NormFloat64()*rng.Float64()*100
			}
		}
		// cut into random chunks, some empty or all-NA
		var parts []ColStats
		for i := 0; i < len(xs); {
			j := min(len(xs), i+rng.IntN(300))
			parts = append(parts, ChunkStats(xs[i:j]))
			i = j
		}
		got := mr.TreeReduce(parts, Combine)
		n, na, mean, sd, lo, hi := naive(xs)
		if got.N != n || got.NA != na || got.Min != lo || got.Max != hi {
			t.Fatalf("counts/min/max: got %+v want n=%d na=%d [%v,%v]", got, n, na, lo, hi)
		}
		if n == 0 {
			continue
		}
		if math.Abs(got.Mean-mean) > 1e-9*math.Max(1, math.Abs(mean)) {
			t.Fatalf("mean %v want %v", got.Mean, mean)
		}
		if n > 1 {
			gsd := math.Sqrt(got.M2 / float64(got.N-1))
			if math.Abs(gsd-sd) > 1e-9*math.Max(1, sd) {
				t.Fatalf("sd %v want %v", gsd, sd)
			}
		}
	}
}

func TestCombineWithEmptySides(t *testing.T) {
	a := ChunkStats([]float64{math.NaN(), math.NaN()})
	b := ChunkStats([]float64{1, 2, 3})
	for _, got := range []ColStats{Combine(a, b), Combine(b, a)} {
		if got.N != 3 || got.NA != 2 || got.Mean != 2 || got.Min != 1 || got.Max != 3 {
			t.Fatalf("got %+v", got)
		}
	}
}
