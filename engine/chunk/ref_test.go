package chunk

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The reference model of a numeric chunk is the input slice itself: row i is
// NA iff vals[i] is a NaN, and otherwise must come back with the same bits.
// checkNumeric holds every access path of c to that model.
func checkNumeric(t testing.TB, c Chunk, vals []float64) {
	t.Helper()
	if err := diffNumeric(c, vals); err != nil {
		t.Fatalf("%v chunk: %v", c.Encoding(), err)
	}
	b := Marshal(c)
	back, err := Unmarshal(b)
	if err != nil {
		t.Fatalf("%v chunk: Unmarshal(Marshal): %v", c.Encoding(), err)
	}
	if back.Encoding() != c.Encoding() {
		t.Fatalf("round trip changed encoding %v to %v", c.Encoding(), back.Encoding())
	}
	if err := diffNumeric(back, vals); err != nil {
		t.Fatalf("%v chunk after round trip: %v", c.Encoding(), err)
	}
	if !Equal(c, back) || !Equal(back, c) {
		t.Fatalf("%v chunk: Equal false after round trip", c.Encoding())
	}
	if !Equal(c, encodeFloat64(vals)) {
		t.Fatalf("%v chunk: not Equal to a plain float64 chunk of the same values", c.Encoding())
	}
	if mb, n := c.MemBytes(), len(vals); mb < hdrBytes || mb > 3*hdrBytes+12*n {
		t.Fatalf("%v chunk of %d rows: implausible MemBytes %d", c.Encoding(), n, mb)
	}
}

type rowError struct {
	row  int
	what string
	got  float64
	want float64
}

func (e *rowError) Error() string {
	return fmt.Sprintf("row %d: %s: got %v (%#x), want %v (%#x)", e.row, e.what,
		e.got, math.Float64bits(e.got), e.want, math.Float64bits(e.want))
}

func diffNumeric(c Chunk, vals []float64) error {
	n := len(vals)
	if c.Len() != n {
		return fmt.Errorf("Len %d, want %d", c.Len(), n)
	}
	// Floats three ways: nil dst, a longer dirty dst, and an exact-size one.
	dirty := make([]float64, n+5)
	for i := range dirty {
		dirty[i] = 7
	}
	views := [][]float64{c.Floats(nil), c.Floats(dirty), c.Floats(make([]float64, n))}
	for i, want := range vals {
		na := want != want
		if c.IsNA(i) != na {
			return &rowError{i, "IsNA disagrees", c.Float(i), want}
		}
		if s, ok := c.String(i); ok || s != "" {
			return &rowError{i, "numeric String returned text", 0, want}
		}
		got := append([]float64{c.Float(i)}, views[0][i], views[1][i], views[2][i])
		for _, g := range got {
			if na {
				if g == g {
					return &rowError{i, "NA row decoded as a number", g, want}
				}
			} else if math.Float64bits(g) != math.Float64bits(want) {
				return &rowError{i, "value bits differ", g, want}
			}
		}
	}
	for k, v := range views {
		if len(v) != n {
			return fmt.Errorf("Floats view %d has len %d, want %d", k, len(v), n)
		}
	}
	if len(views[1]) > 0 && &views[1][0] != &dirty[0] {
		return errors.New("Floats reallocated a dst that was long enough")
	}
	return nil
}

// gen makes n designed values; the test then blanks some rows to NA.
type gen func(r *rand.Rand, n int) []float64

func fill(n int, f func(i int) float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = f(i)
	}
	return v
}

// withNA blanks rows at random with probability rate, with the ordinary NaN
// or, every other time, a NaN with a payload: any NaN is NA.
func withNA(r *rand.Rand, vals []float64, rate float64) []float64 {
	odd := math.Float64frombits(0x7FF8_0000_0000_0BAD)
	for i := range vals {
		if r.Float64() < rate {
			if i%2 == 0 {
				vals[i] = math.NaN()
			} else {
				vals[i] = odd
			}
		}
	}
	return vals
}

// allSame reports whether the non-NA values share bits and none is NA, the
// case where Const is the only right answer.
func allSame(vals []float64) bool {
	for _, v := range vals {
		if v != v || math.Float64bits(v) != math.Float64bits(vals[0]) {
			return false
		}
	}
	return true
}

func allNA(vals []float64) bool {
	for _, v := range vals {
		if v == v {
			return false
		}
	}
	return true
}
