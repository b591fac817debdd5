package metrics

import (
	"math/rand/v2"
	"testing"
)

// benchInput is n rows with scores correlated to y and weights in [0.5, 1.5).
func benchInput(n int) (y, p, w []float64) {
	r := rand.New(rand.NewPCG(7, 8))
	y, p, w = make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		y[i] = float64(r.IntN(2))
		p[i] = 0.4*y[i] + 0.6*r.Float64()
		w[i] = 0.5 + r.Float64()
	}
	return y, p, w
}

func BenchmarkComputeBinomial1M(b *testing.B) {
	y, p, w := benchInput(1_000_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ComputeBinomial(y, p, w, nil); err != nil {
			b.Fatal(err)
		}
	}
}
