package chunk

import (
	"math"
	"math/rand/v2"
	"testing"
)

const benchRows = 1 << 20

// benchInputs are the shapes the parse hot path sees most.
func benchInputs() []struct {
	name string
	vals []float64
} {
	r := rand.New(rand.NewPCG(11, 12))
	small := withNA(r, fill(benchRows, func(int) float64 { return float64(r.IntN(100)) }), 0.05)
	delay := withNA(r, fill(benchRows, func(int) float64 { return float64(1 + r.IntN(2400)) }), 0.02)
	return []struct {
		name string
		vals []float64
	}{
		{"smallints-5%NA", small},
		{"12bit-2%NA", delay},
		{"12bit", fill(benchRows, func(int) float64 { return float64(1 + r.IntN(2400)) })},
		{"13bit-scaled", fill(benchRows, func(int) float64 { return float64(r.IntN(6001)) / 100 })},
		{"float64", fill(benchRows, func(int) float64 { return r.NormFloat64() })},
		{"prices", fill(benchRows, func(int) float64 { return float64(r.IntN(1_000_000)) / 100 })},
		{"timestamps", fill(benchRows, func(int) float64 { return float64(1.7e12 + r.Int64N(1e11)) })},
		{"float32", fill(benchRows, func(int) float64 { return float64(r.Float32()) })},
		{"bit", fill(benchRows, func(int) float64 { return float64(r.IntN(2)) })},
		{"sparse", fill(benchRows, func(int) float64 {
			if r.IntN(100) < 97 {
				return 0
			}
			return r.NormFloat64()
		})},
	}
}

func BenchmarkEncodeNumeric(b *testing.B) {
	for _, in := range benchInputs() {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(8 * int64(len(in.vals)))
			b.ReportAllocs()
			var c Chunk
			for b.Loop() {
				c = EncodeNumeric(in.vals)
			}
			b.ReportMetric(float64(c.MemBytes())/float64(len(in.vals)), "B/row")
		})
	}
}

func BenchmarkFloats(b *testing.B) {
	for _, in := range benchInputs() {
		c := EncodeNumeric(in.vals)
		b.Run(in.name+"/"+c.Encoding().String(), func(b *testing.B) {
			dst := make([]float64, len(in.vals))
			b.SetBytes(8 * int64(len(in.vals)))
			b.ReportAllocs()
			for b.Loop() {
				dst = c.Floats(dst)
			}
			if math.IsInf(dst[0], 0) {
				b.Log(dst[0]) // keeps the result live
			}
		})
	}
}

func BenchmarkMarshal(b *testing.B) {
	c := EncodeNumeric(benchInputs()[0].vals)
	b.SetBytes(8 * int64(c.Len()))
	for b.Loop() {
		if _, err := Unmarshal(Marshal(c)); err != nil {
			b.Fatal(err)
		}
	}
}
