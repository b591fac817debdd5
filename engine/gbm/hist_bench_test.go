package gbm

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkHistogram measures the histogram loop over a node's rows: half
// the rows of a 64k-row chunk, 8 features of up to 300 bins, rows scattered
// as at depth.
func BenchmarkHistogram(b *testing.B) {
	const n, nf = 1 << 16, 8
	st, lay, m := benchState(n, nf)
	h := make([]int64, lay.Len())
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		st.histogram(0, &lay, h)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*m*nf), "ns/update")
}

func benchState(n, nf int) (*chunkState, layout, int) {
	rng := rand.New(rand.NewPCG(1, 1))
	feats := make([]feat, nf)
	for j := range feats {
		feats[j] = feat{Bins: 255}
		if j >= 6 {
			feats[j] = feat{Cat: true, Bins: 300}
		}
	}
	st := &chunkState{n: n, nf: nf, bins: make([]uint16, n*nf), q: make([]qrow, n), order: make([]int32, n)}
	for i := 0; i < n; i++ {
		for j := range feats {
			st.bins[i*nf+j] = uint16(rng.IntN(feats[j].Bins + 1))
		}
		st.q[i] = qrow{int32(rng.IntN(1 << 20)), int32(rng.IntN(1 << 20)), 1 << 20}
	}
	m := 0
	for i := 0; i < n; i++ {
		if rng.IntN(2) == 0 {
			st.order[m] = int32(i)
			m++
		}
	}
	st.setRange(0, 0, int32(m))
	all := []int{0, 1, 2, 3, 4, 5, 6, 7}
	return st, newLayout(feats, all), m
}
