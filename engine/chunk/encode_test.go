package chunk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// designs are inputs built to land on one encoding. want applies when the
// chunk has ≥1000 rows and not every row is NA; smaller chunks are only held
// to the reference (and to Const when all values are equal).
var designs = []struct {
	name  string
	want  Encoding
	scale int // for the integer encodings
	gen   gen
	width int // for Bits: the code width (0: not checked)
}{
	{"const", Const, 2, func(r *rand.Rand, n int) []float64 { return fill(n, func(int) float64 { return 3.25 }) }, 0},
	{"bit", Bit, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.IntN(2)) })
	}, 0},
	{"int8", Int8, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.IntN(201) - 100) })
	}, 0},
	{"int8-biased", Int8, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(1000 + r.IntN(200)) })
	}, 0},
	{"int16", Int16, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.IntN(60001) - 30000) })
	}, 0},
	{"int32", Int32, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.Int64N(4e9) - 2e9) })
	}, 0},
	{"price-small", Bits, 2, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.IntN(30000)) / 100 })
	}, 15},
	{"price", Bits, 2, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.IntN(10_000_000)) / 100 })
	}, 24},
	{"price-int16", Int16, 2, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.IntN(65535)-32767) / 100 })
	}, 0},
	{"price-int32", Int32, 2, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.Int64N(4e9)-2e9) / 100 })
	}, 0},
	{"bits3", Bits, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(2 + r.IntN(6)) })
	}, 3},
	{"bits9-negative", Bits, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.IntN(401) - 200) })
	}, 9},
	{"bits12-delay", Bits, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(1 + r.IntN(2400)) })
	}, 12},
	{"bits13-scaled", Bits, 2, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.IntN(6001)) / 100 })
	}, 13},
	{"bits17-negative-scaled", Bits, 1, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.IntN(100_001)-50_000) / 10 })
	}, 17},
	{"bits31", Bits, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.Int32N(2e9) - 1e9) })
	}, 31},
	{"bits31-scaled", Bits, 3, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.Int64N(1.5e9)-7.5e8) / 1000 })
	}, 31},
	{"tenths", Int8, 1, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.IntN(200)-100) / 10 })
	}, 0},
	{"timestamp-ms", Int64, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(1_700_000_000_000 + r.Int64N(100_000_000_000)) })
	}, 0},
	{"float32", Float32, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return float64(r.Float32() * 1000) })
	}, 0},
	{"float64", Float64, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 { return r.NormFloat64() })
	}, 0},
	{"sparse-zero", Sparse, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 {
			if r.IntN(100) < 97 {
				return 0
			}
			return r.NormFloat64()
		})
	}, 0},
	{"sparse-na", Sparse, 0, func(r *rand.Rand, n int) []float64 {
		return fill(n, func(int) float64 {
			if r.IntN(100) < 95 {
				return math.NaN()
			}
			return float64(r.IntN(1000))
		})
	}, 0},
}

var (
	lengths = []int{0, 1, 2, 7, 63, 64, 65, 1000, 65537}
	naRates = []struct {
		name string
		rate float64
	}{{"noNA", 0}, {"someNA", 0.03}, {"allNA", 1}}
)

// wantFor adjusts a design's encoding for its NA mix: a constant with some
// NA rows is no longer constant (one value plus NA is a 1-bit code).
func wantFor(want Encoding, rate float64) Encoding {
	if want == Const && rate > 0 {
		return Bits
	}
	return want
}

func TestEncodeNumericDesigns(t *testing.T) {
	for _, d := range designs {
		for _, n := range lengths {
			for _, na := range naRates {
				t.Run(fmt.Sprintf("%s/n=%d/%s", d.name, n, na.name), func(t *testing.T) {
					r := rand.New(rand.NewPCG(uint64(n), uint64(len(d.name))))
					vals := withNA(r, d.gen(r, n), na.rate)
					c := EncodeNumeric(vals)
					checkNumeric(t, c, vals)
					switch {
					case allNA(vals) || allSame(vals):
						if c.Encoding() != Const {
							t.Fatalf("encoding %v, want Const", c.Encoding())
						}
					case n >= 1000:
						want := wantFor(d.want, na.rate)
						if c.Encoding() != want {
							t.Fatalf("encoding %v, want %v", c.Encoding(), want)
						}
						checkScale(t, c, d.scale)
						checkWidth(t, c, d.width)
					}
				})
			}
		}
	}
}

func checkScale(t *testing.T, c Chunk, want int) {
	t.Helper()
	var got uint8
	switch c := c.(type) {
	case *intChunk[int8]:
		got = c.scale
	case *intChunk[int16]:
		got = c.scale
	case *intChunk[int32]:
		got = c.scale
	case *intChunk[int64]:
		got = c.scale
	case *packedChunk:
		got = c.scale
	default:
		return
	}
	if int(got) != want {
		t.Fatalf("%v chunk has scale %d, want %d", c.Encoding(), got, want)
	}
}

// checkWidth checks a Bits chunk's code width; want 0 skips the check.
func checkWidth(t *testing.T, c Chunk, want int) {
	t.Helper()
	if pc, ok := c.(*packedChunk); ok && want != 0 && int(pc.width) != want {
		t.Fatalf("Bits chunk has width %d, want %d", pc.width, want)
	}
}

// Mixes of designs in one chunk hit the fall-through paths between them.
func TestEncodeNumericMixes(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for trial := range 200 {
		n := lengths[r.IntN(len(lengths))]
		var vals []float64
		for len(vals) < n {
			d := designs[r.IntN(len(designs))]
			k := min(n-len(vals), 1+r.IntN(n))
			vals = append(vals, d.gen(r, k)...)
		}
		vals = withNA(r, vals, []float64{0, 0.01, 0.5, 1}[trial%4])
		c := EncodeNumeric(vals)
		checkNumeric(t, c, vals)
		if len(vals) > 0 && allSame(vals) && c.Encoding() != Const {
			t.Fatalf("trial %d: equal values encoded as %v", trial, c.Encoding())
		}
	}
}

// The chosen encoding must be no larger than any alternative the same data
// could have been built with.
func TestEncodeNumericPicksSmallest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, d := range designs {
		vals := withNA(r, d.gen(r, 5000), 0.02)
		c := EncodeNumeric(vals)
		if f := encodeFloat64(vals); c.MemBytes() > f.MemBytes() {
			t.Errorf("%s: %v uses %d bytes, more than Float64's %d", d.name, c.Encoding(), c.MemBytes(), f.MemBytes())
		}
		if float32Exact(vals) {
			if f := encodeFloat32(vals); c.MemBytes() > f.MemBytes() {
				t.Errorf("%s: %v uses %d bytes, more than Float32's %d", d.name, c.Encoding(), c.MemBytes(), f.MemBytes())
			}
		}
	}
}

func TestMemBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name string
		vals []float64
		want Encoding
		max  int
	}{
		{"int8", fill(1000, func(int) float64 { return float64(r.IntN(256)) }), Int8, 1100},
		{"bit", fill(1000, func(int) float64 { return float64(r.IntN(2)) }), Bit, 200},
		{"int16", fill(1000, func(int) float64 { return float64(r.IntN(65536)) }), Int16, 2100},
		{"bits7", fill(1000, func(int) float64 { return float64(r.IntN(100)) }), Bits, 1000*7/8 + 64 + 16 + 1},
		{"bits12", fill(1000, func(int) float64 { return float64(r.IntN(4096)) }), Bits, 1000*12/8 + 64 + 16 + 1},
		{"bits15", fill(1000, func(int) float64 { return float64(r.IntN(20000)) }), Bits, 1000*15/8 + 64 + 16 + 1},
		{"float64", fill(1000, func(int) float64 { return r.NormFloat64() }), Float64, 8100},
		{"const", fill(1_000_000, func(int) float64 { return 42 }), Const, 100},
		{"sparse", fill(100_000, func(i int) float64 {
			if i%50 == 0 {
				return r.NormFloat64()
			}
			return 0
		}), Sparse, 100_000 / 50 * 12 * 11 / 10},
	}
	for _, tc := range cases {
		c := EncodeNumeric(tc.vals)
		if c.Encoding() != tc.want {
			t.Errorf("%s: encoding %v, want %v", tc.name, c.Encoding(), tc.want)
		}
		if c.MemBytes() >= tc.max {
			t.Errorf("%s: MemBytes %d, want < %d", tc.name, c.MemBytes(), tc.max)
		}
	}
}

// Floats on a sparse chunk scatters in place; a reused dst that held other
// data must come back with every gap refilled.
func TestSparseFloatsReusesDst(t *testing.T) {
	vals := make([]float64, 2000)
	vals[0], vals[1000], vals[1999] = 5, math.NaN(), -2.5
	c := EncodeNumeric(vals)
	if c.Encoding() != Sparse {
		t.Fatalf("encoding %v, want Sparse", c.Encoding())
	}
	dst := make([]float64, 2000)
	for i := range dst {
		dst[i] = float64(i) + 0.5
	}
	got := c.Floats(dst)
	for i, want := range vals {
		if math.Float64bits(got[i]) != math.Float64bits(want) && !(want != want && got[i] != got[i]) {
			t.Fatalf("row %d: got %v, want %v", i, got[i], want)
		}
	}
}
