package api

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

func sameFloat(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

// Any float a summary can hold goes through JSON and comes back the same.
func TestSummaryJSONRoundTripsEveryFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	specials := []float64{math.Inf(1), math.Inf(-1), math.NaN(), 0, math.Copysign(0, -1), math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 5e-324, 1e308}
	pick := func() *Number {
		switch rng.IntN(4) {
		case 0:
			return nil
		case 1:
			return NumberPtr(specials[rng.IntN(len(specials))])
		}
		return NumberPtr(math.Float64frombits(rng.Uint64()))
	}
	for trial := 0; trial < 2000; trial++ {
		in := Summary{Name: "f", Rows: int64(trial)}
		for c := 0; c < 5; c++ {
			in.Columns = append(in.Columns, ColumnSummary{Name: "c", Type: "numeric", Min: pick(), Max: pick(), Mean: pick(), SD: pick()})
		}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var out Summary
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		for c := range in.Columns {
			for k, pair := range [][2]*Number{{in.Columns[c].Min, out.Columns[c].Min}, {in.Columns[c].Max, out.Columns[c].Max},
				{in.Columns[c].Mean, out.Columns[c].Mean}, {in.Columns[c].SD, out.Columns[c].SD}} {
				if (pair[0] == nil) != (pair[1] == nil) || (pair[0] != nil && !sameFloat(float64(*pair[0]), float64(*pair[1]))) {
					t.Fatalf("column %d field %d: %v came back as %v (%s)", c, k, pair[0], pair[1], b)
				}
			}
		}
	}
}

func TestNumberSpellings(t *testing.T) {
	for in, want := range map[string]float64{`"Infinity"`: math.Inf(1), `"-Infinity"`: math.Inf(-1), `1.5`: 1.5, `-0`: math.Copysign(0, -1)} {
		var n Number
		if err := json.Unmarshal([]byte(in), &n); err != nil || !sameFloat(float64(n), want) {
			t.Errorf("%s: %v %v", in, float64(n), err)
		}
	}
	var n Number
	if err := json.Unmarshal([]byte(`"lots"`), &n); err == nil {
		t.Error(`"lots" decoded as a number`)
	}
}

func FuzzNumber(f *testing.F) {
	for _, s := range []string{`"NaN"`, `"Infinity"`, `1e400`, `-2.5`, `"x"`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n Number
		if json.Unmarshal(b, &n) != nil {
			return
		}
		again, err := json.Marshal(n)
		if err != nil {
			t.Fatalf("a decoded number does not encode: %v", err)
		}
		var m Number
		if err := json.Unmarshal(again, &m); err != nil || !sameFloat(float64(n), float64(m)) {
			t.Fatalf("%s -> %v -> %s -> %v (%v)", b, float64(n), again, float64(m), err)
		}
	})
}
