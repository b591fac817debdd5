package chunk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// spanVals makes n values whose scaled range needs exactly w bits with (or
// without) NA: rows 0 and 1 are the extremes, NA rows come after them.
func spanVals(r *rand.Rand, n, w int, hasNA bool, bias int64, scale int) []float64 {
	span := int64(1)<<w - 1
	if hasNA {
		span--
	}
	vals := fill(n, func(i int) float64 {
		x := bias + r.Int64N(span+1)
		switch {
		case i == 0:
			x = bias
		case i == 1:
			x = bias + span
		case hasNA && i%50 == 7:
			return math.NaN()
		}
		return float64(x) / pow10[scale]
	})
	return vals
}

// Every width from 1 to 33, with and without NA: byte-aligned widths stay
// Int, 33 bits fall to Int64, everything else is Bits of exactly that width.
func TestPackedWidths(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for w := 1; w <= 33; w++ {
		for _, hasNA := range []bool{false, true} {
			for _, scale := range []int{0, 2} {
				name := fmt.Sprintf("w=%d/NA=%v/scale=%d", w, hasNA, scale)
				t.Run(name, func(t *testing.T) {
					bias := int64(-5)
					if w == 1 && !hasNA && scale == 0 {
						bias = -7 // not {0,1}: that is Bit
					}
					vals := spanVals(r, 1000, w, hasNA, bias, scale)
					c := EncodeNumeric(vals)
					checkNumeric(t, c, vals)
					want := Bits
					switch {
					case w == 8:
						want = Int8
					case w == 16:
						want = Int16
					case w == 32:
						want = Int32
					case w == 33 && scale == 0:
						want = Int64
					case w == 33:
						want = Float64 // scaled Int64 is never chosen
					}
					if c.Encoding() != want {
						t.Fatalf("encoding %v, want %v", c.Encoding(), want)
					}
					if want == Bits {
						checkWidth(t, c, w)
						checkScale(t, c, scale)
						if wb := hdrBytes + 8*((1000*w+63)/64); c.MemBytes() != wb {
							t.Fatalf("MemBytes %d, want %d", c.MemBytes(), wb)
						}
					}
				})
			}
		}
	}
}

// Small lengths at every width exercise the rows in the last word, which
// Floats decodes on its own path, and every straddle offset.
func TestPackedShortChunks(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for w := 1; w <= maxPackedWidth; w++ {
		for n := 0; n <= 130; n++ {
			for _, hasNA := range []bool{false, true} {
				vals := spanVals(r, n, w, hasNA, -3, 0)
				st := gather(vals)
				if n < 2 || st.na == n {
					continue
				}
				p, ok := packedPlan(&st, int64(st.min), int64(st.max))
				if !ok {
					t.Fatalf("w=%d n=%d: no Bits plan", w, n)
				}
				c, ok := encodePacked(vals, &st, p)
				if !ok {
					t.Fatalf("w=%d n=%d: encodePacked failed", w, n)
				}
				// Codes need w bits unless NA rows hid the extremes.
				if int(c.width) > w {
					t.Fatalf("w=%d n=%d: width %d", w, n, c.width)
				}
				checkNumeric(t, c, vals)
				checkNumeric(t, EncodeNumeric(vals), vals)
			}
		}
	}
}

// A scaled Bits plan whose verification fails falls back like the Int ones.
func TestPackedScaledPlanFallsBack(t *testing.T) {
	vals := []float64{pointThree, 0.5, 0.7}
	st := gather(vals)
	st.intOK, st.scale, st.lastChange = true, 1, len(vals)
	p := plan{enc: Bits, scale: 1, bias: 3, width: 3}
	if _, ok := encodePacked(vals, &st, p); ok {
		t.Fatal("encodePacked accepted 0.1+0.2 at scale 1")
	}
	c := build(vals, &st, p)
	if c.Encoding() != Float64 {
		t.Fatalf("fallback encoding %v, want Float64", c.Encoding())
	}
	checkNumeric(t, c, vals)
}

// The airline-like frame of the size target: each column's encoding and
// width, and the total in-memory bytes per row.
func TestPackedAirlineColumns(t *testing.T) {
	const n = 100_000
	r := rand.New(rand.NewPCG(2024, 1))
	codes := func(levels int) []float64 {
		return fill(n, func(int) float64 { return float64(r.IntN(levels)) })
	}
	cols := []struct {
		name  string
		vals  []float64
		want  Encoding
		width int
	}{
		{"cat7", codes(7), Bits, 3},
		{"cat12", codes(12), Bits, 4},
		{"cat20", codes(20), Bits, 5},
		{"cat31", codes(31), Bits, 5},
		{"cat300", codes(300), Bits, 9},
		{"1..2400 2%NA", withNA(r, fill(n, func(int) float64 { return float64(1 + r.IntN(2400)) }), 0.02), Bits, 12},
		{"30..5000", fill(n, func(int) float64 { return float64(30 + r.IntN(4971)) }), Bits, 13},
		{"0/1", codes(2), Bit, 0},
	}
	total := 0
	for _, col := range cols {
		c := EncodeNumeric(col.vals)
		checkNumeric(t, c, col.vals)
		if c.Encoding() != col.want {
			t.Errorf("%s: encoding %v, want %v", col.name, c.Encoding(), col.want)
		}
		checkWidth(t, c, col.width)
		total += c.MemBytes()
		w := 1 // Bit
		if pc, ok := c.(*packedChunk); ok {
			w = int(pc.width)
		}
		t.Logf("%-14s %-5v %2d bits  %.3f B/row", col.name, c.Encoding(), w, float64(c.MemBytes())/n)
	}
	// 3+4+5+5+9+12+13+1 = 52 bits = 6.5 B/row, against 10.125 with Int8/16.
	if perRow := float64(total) / n; perRow > 6.51 {
		t.Errorf("%.3f bytes/row, want ≤ 6.51", perRow)
	}
}
