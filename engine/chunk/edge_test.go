package chunk

import (
	"math"
	"testing"
)

func rangeVals(lo, hi int64) []float64 {
	v := make([]float64, 0, hi-lo+1)
	for x := lo; x <= hi; x++ {
		v = append(v, float64(x))
	}
	return v
}

func plusNA(v []float64) []float64 { return append(append([]float64(nil), v...), math.NaN()) }

func repeat(n int, v float64) []float64 { return fill(n, func(int) float64 { return v }) }

// pointThree is 0.1+0.2 computed in float64 (0.30000000000000004); the
// constant expression would be exact 0.3, Go constants being exact.
var pointOne, pointTwo = 0.1, 0.2
var pointThree = pointOne + pointTwo

func TestEncodeNumericEdges(t *testing.T) {
	if pointThree == 0.3 {
		t.Fatal("0.1+0.2 folded to 0.3; the edge case below tests nothing")
	}
	inf, negZero, nan := math.Inf(1), math.Copysign(0, -1), math.NaN()
	manyZerosOneNegZero := make([]float64, 1000)
	manyZerosOneNegZero[500] = negZero
	cases := []struct {
		name  string
		vals  []float64
		want  Encoding
		scale int
	}{
		{"empty", nil, Const, 0},
		{"empty-non-nil", []float64{}, Const, 0},
		{"one NA", []float64{nan}, Const, 0},
		{"all NA", repeat(5000, nan), Const, 0},
		{"NaN payloads are NA", []float64{nan, math.Float64frombits(0xFFF0_0000_0000_0001), nan}, Const, 0},
		{"single", []float64{-7.5}, Const, 0},
		{"const -0", []float64{negZero, negZero}, Const, 0},
		{"const +Inf", repeat(3, inf), Const, 0},
		{"+0 and -0 differ", []float64{0, negZero}, Float32, 0},
		{"-0 blocks ints", []float64{negZero, 1, 2, 3}, Float32, 0},
		{"-0 in sparse zeros", manyZerosOneNegZero, Sparse, 0},
		{"±Inf", []float64{inf, -inf, 1, 2}, Float32, 0},
		{"Inf with a double", []float64{inf, 0.1}, Float64, 0},
		{"NA and Inf", []float64{nan, inf}, Float32, 0},
		{"bit with NA", []float64{0, 1, nan, 1}, Bit, 0},
		{"one and NA", []float64{1, nan}, Bit, 0},
		{"int8 span with NA", plusNA(rangeVals(-127, 127)), Int8, 0},
		{"int8 full without NA", rangeVals(-128, 127), Int8, 0},
		{"int8 full with NA", plusNA(rangeVals(-128, 127)), Bits, 0}, // 9 bits
		{"bytes without NA", rangeVals(0, 255), Int8, 0},
		{"bytes with NA", plusNA(rangeVals(0, 255)), Bits, 0},
		{"int16 bounds", []float64{-32768, 32767, 0}, Int16, 0},
		{"int16 bounds with NA", []float64{-32768, 32767, nan}, Bits, 0}, // 17 bits: one word, not 12 bytes
		{"int16 span with NA", plusNA(rangeVals(-32768, 32767)), Bits, 0},
		{"int32 bounds", []float64{math.MinInt32, math.MaxInt32}, Int32, 0},
		{"int32 bounds with NA", []float64{math.MinInt32, math.MaxInt32, nan}, Int64, 0},
		{"int32 biased", []float64{5e9, 5e9 + 4e9}, Int32, 0},
		{"±2^53", []float64{-(1 << 53), 1 << 53, 3}, Float32, 0}, // powers of two: float32 is smaller
		{"2^53-1", []float64{-(1<<53 - 1), 1<<53 - 1, 3}, Int64, 0},
		{"past 2^53", []float64{1<<53 + 2, 3}, Float64, 0},
		{"2^60 is float32", []float64{1 << 60, 3}, Float32, 0},
		{"int64 extremes", []float64{math.MinInt64, math.MaxInt64}, Float32, 0},
		{"tenths", []float64{0.1, 0.2, 0.3}, Int8, 1},
		{"0.1+0.2", []float64{0.1, pointThree}, Float64, 0},
		{"nine decimals", []float64{0.000000001, 0.000000002, nan}, Int8, 9},
		{"ten decimals", []float64{1e-10, 2e-10}, Float64, 0},
		{"scale climbs", []float64{1, 2.5, 3.25, 4.125}, Int16, 3},
		{"large scaled", []float64{12345678.9, 1}, Int32, 1},
		{"huge", []float64{1e308, -1e308, math.MaxFloat64}, Float64, 0},
		{"tiny", []float64{5e-324, 1e-300, math.SmallestNonzeroFloat64}, Float64, 0},
		{"float32 extremes", []float64{math.MaxFloat32, math.SmallestNonzeroFloat32}, Float32, 0},
		{"timestamps", []float64{1.7e12, 1.7e12 + 5e9, nan}, Int64, 0},
		{"timestamps in a day", []float64{1.7e12, 1.7e12 + 86_400_000}, Int32, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := EncodeNumeric(tc.vals)
			checkNumeric(t, c, tc.vals)
			if c.Encoding() != tc.want {
				t.Fatalf("encoding %v, want %v", c.Encoding(), tc.want)
			}
			checkScale(t, c, tc.scale)
		})
	}
}

// A scaled plan whose verification fails must fall back to a float
// encoding, not store a wrong value.
func TestScaledPlanFallsBack(t *testing.T) {
	vals := []float64{pointThree, 0.5}
	st := gather(vals)
	st.intOK, st.scale, st.lastChange = true, 1, len(vals)
	if _, ok := encodeInts[int8](vals, &st, plan{enc: Int8, scale: 1}); ok {
		t.Fatal("encodeInts accepted 0.1+0.2 at scale 1")
	}
	c := build(vals, &st, plan{enc: Int8, scale: 1})
	if c.Encoding() != Float64 {
		t.Fatalf("fallback encoding %v, want Float64", c.Encoding())
	}
	checkNumeric(t, c, vals)
}

func TestEncodeNumericDoesNotRetainInput(t *testing.T) {
	vals := []float64{1.5, 2.123456789012, 3}
	c := EncodeNumeric(vals)
	vals[0] = 99
	if c.Float(0) != 1.5 {
		t.Fatalf("chunk changed with its input: row 0 = %v", c.Float(0))
	}
}

func TestOutOfRangeRowPanics(t *testing.T) {
	chunks := []Chunk{
		EncodeNumeric(repeat(3, 1)),
		EncodeNumeric([]float64{0, 1, 1}),
		EncodeNumeric(make([]float64, 100)),
		EncodeNumeric(plusNA(rangeVals(0, 600))),
		EncodeStrings([]string{"a"}, nil),
	}
	for _, c := range chunks {
		for _, i := range []int{-1, c.Len()} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%v: IsNA(%d) of %d rows did not panic", c.Encoding(), i, c.Len())
					}
				}()
				c.IsNA(i)
			}()
		}
	}
}

func TestEqual(t *testing.T) {
	nan := math.NaN()
	base := []float64{1, 2, nan, 0}
	cases := []struct {
		name  string
		other []float64
		want  bool
	}{
		{"same", []float64{1, 2, nan, 0}, true},
		{"other NaN payload", []float64{1, 2, math.Float64frombits(0x7FF0_0000_0000_0001), 0}, true},
		{"value differs", []float64{1, 3, nan, 0}, false},
		{"-0 vs +0", []float64{1, 2, nan, math.Copysign(0, -1)}, false},
		{"NA moved", []float64{nan, 2, 1, 0}, false},
		{"shorter", []float64{1, 2, nan}, false},
	}
	a := EncodeNumeric(base)
	for _, tc := range cases {
		for _, b := range []Chunk{EncodeNumeric(tc.other), encodeFloat64(tc.other)} {
			if got := Equal(a, b); got != tc.want {
				t.Errorf("%s (%v vs %v): Equal = %v, want %v", tc.name, a.Encoding(), b.Encoding(), got, tc.want)
			}
		}
	}
	if Equal(EncodeStrings([]string{"", ""}, []bool{true, false}), EncodeNumeric([]float64{nan, nan})) {
		t.Error("a Str chunk Equal to a numeric one")
	}
}
