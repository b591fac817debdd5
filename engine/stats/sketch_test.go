package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestEdgesFewDistinctValuesGetOwnBins(t *testing.T) {
	vals := []float64{3, 1, 2, 2, math.NaN(), 1, 3, 3}
	s := NewSketch(vals, nil)
	e := s.Edges(255)
	if !slices.Equal(e, []float64{1, 2}) {
		t.Fatalf("edges %v, want [1 2]", e)
	}
	for v, want := range map[float64]int{1: 0, 2: 1, 3: 2, 0.5: 0, 2.5: 2, 9: 2} {
		if got := BinOf(e, v); got != want {
			t.Errorf("bin of %v = %d, want %d", v, got, want)
		}
	}
	if got := BinOf(e, math.NaN()); got != 3 {
		t.Errorf("NA bin = %d, want 3", got)
	}
}

// Merging chunk sketches in the fixed tree gives bins close to the exact
// quantiles, and the same edges whatever the split into chunks' order of
// reduction (the tree is fixed; the inputs decide).
func TestSketchQuantilesCloseToExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 200000
	all := make([]float64, n)
	for i := range all {
		all[i] = math.Exp(rng.NormFloat64())
	}
	var parts []Sketch
	for lo := 0; lo < n; lo += 7000 {
		hi := min(lo+7000, n)
		parts = append(parts, NewSketch(all[lo:hi], nil))
	}
	var reduce func(ps []Sketch) Sketch
	reduce = func(ps []Sketch) Sketch {
		if len(ps) == 1 {
			return ps[0]
		}
		m := len(ps) / 2
		return Merge(reduce(ps[:m]), reduce(ps[m:]))
	}
	s := reduce(parts)
	e := s.Edges(64)
	if len(e) < 60 || len(e) > 63 {
		t.Fatalf("%d edges for 64 bins", len(e))
	}
	sorted := slices.Clone(all)
	slices.Sort(sorted)
	for i, edge := range e {
		rank := float64(sortSearch(sorted, edge)) / float64(n)
		want := float64(i+1) / 64
		if math.Abs(rank-want) > 0.004 {
			t.Errorf("edge %d at rank %.4f, want %.4f", i, rank, want)
		}
	}
	again := reduce(parts).Edges(64)
	if !slices.Equal(e, again) {
		t.Error("edges differ between two identical reductions")
	}
}

func sortSearch(s []float64, v float64) int {
	i, _ := slices.BinarySearch(s, v)
	return i
}

func TestEdgesSkipsConstantRuns(t *testing.T) {
	vals := make([]float64, 10000)
	for i := range vals {
		if i%10 == 0 {
			vals[i] = float64(i)
		}
	}
	e := NewSketch(vals, nil).Edges(16)
	for i := 1; i < len(e); i++ {
		if !(e[i] > e[i-1]) {
			t.Fatalf("edges not increasing: %v", e)
		}
	}
	if e[0] != 0 {
		t.Errorf("first edge %v, want 0 (90%% of rows are 0)", e[0])
	}
}
