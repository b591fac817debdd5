package chunk

import "math"

// numStats is what the stats pass learns about a chunk's values.
type numStats struct {
	n, na      int
	zeros      int // +0.0 only: -0.0 is neither Bit nor sparse fill
	ones       int
	negZero    bool
	min, max   float64 // of non-NA values
	intOK      bool    // every non-NA value is x/10^scale for an integer x
	scale      int
	lastChange int // row at which scale last grew; rows before it need re-checking
}

// acc holds the counters the scan loops share. Each loop copies them into
// locals and has no calls inside, so they live in registers: a call on even
// a cold path makes the compiler spill them every row.
type acc struct {
	na, zeros, ones, negZeros int
	lo, hi                    float64
}

// gather is the stats pass. It scans at the current decimal scale until a
// value needs a larger one, climbs, and goes on; rows already scanned are
// not revisited (encodeInts re-checks them). Float32 exactness is left out:
// it matters only when the integer route fails, usually on the first row.
func gather(vals []float64) numStats {
	a := acc{lo: math.Inf(1), hi: math.Inf(-1)}
	scale, lastChange, intOK := 0, 0, true
	i := 0
	for i < len(vals) {
		if scale == 0 {
			i += a.scanInts(vals[i:])
		} else {
			i += a.scanScaled(vals[i:], scale)
		}
		if i == len(vals) {
			break
		}
		s := climb(vals[i], scale+1)
		if s < 0 {
			intOK = false
			i += a.scanAny(vals[i:])
			break
		}
		scale, lastChange = s, i
	}
	return numStats{
		n: len(vals), na: a.na, zeros: a.zeros, ones: a.ones, negZero: a.negZeros > 0,
		min: a.lo, max: a.hi, intOK: intOK && a.negZeros == 0, scale: scale,
		lastChange: lastChange,
	}
}

// scanInts observes values while they are integers or NA and returns how
// many it consumed. float64(int64(v)) == v is true for every integer below
// 2^63 and false for NaN; larger magnitudes fail the range check later.
func (a *acc) scanInts(vals []float64) int {
	na, zeros, ones, negZeros, lo, hi := a.na, a.zeros, a.ones, a.negZeros, a.lo, a.hi
	i := 0
	for ; i < len(vals); i++ {
		// NA rows come at random, so they take the same path as values (NaN
		// fails every comparison below): one well-predicted branch per row.
		v := vals[i]
		nan := v != v
		if (float64(int64(v)) != v) != nan {
			break // a non-integer
		}
		na += int(b2u(nan))
		b := math.Float64bits(v)
		zeros += int(b2u(b == 0))
		ones += int(b2u(b == oneBits))
		negZeros += int(b2u(b == negZeroBits))
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	a.na, a.zeros, a.ones, a.negZeros, a.lo, a.hi = na, zeros, ones, negZeros, lo, hi
	return i
}

// scanScaled is scanInts for a decimal scale s > 0.
func (a *acc) scanScaled(vals []float64, s int) int {
	na, zeros, ones, negZeros, lo, hi := a.na, a.zeros, a.ones, a.negZeros, a.lo, a.hi
	p := pow10[s]
	i := 0
	for ; i < len(vals); i++ {
		v := vals[i]
		nan := v != v
		x := float64(v * p)
		ok := b2u(x > -maxScaled) & b2u(x < maxScaled) & b2u(math.Float64bits(roundInt(x)/p) == math.Float64bits(v))
		if ok == b2u(nan) {
			break // neither NA nor exact at this scale
		}
		na += int(b2u(nan))
		b := math.Float64bits(v)
		zeros += int(b2u(b == 0))
		ones += int(b2u(b == oneBits))
		negZeros += int(b2u(b == negZeroBits))
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	a.na, a.zeros, a.ones, a.negZeros, a.lo, a.hi = na, zeros, ones, negZeros, lo, hi
	return i
}

// scanAny observes the rest once the integer route is out.
func (a *acc) scanAny(vals []float64) int {
	na, zeros, ones, negZeros, lo, hi := a.na, a.zeros, a.ones, a.negZeros, a.lo, a.hi
	for _, v := range vals {
		na += int(b2u(v != v))
		b := math.Float64bits(v)
		zeros += int(b2u(b == 0))
		ones += int(b2u(b == oneBits))
		negZeros += int(b2u(b == negZeroBits))
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	a.na, a.zeros, a.ones, a.negZeros, a.lo, a.hi = na, zeros, ones, negZeros, lo, hi
	return len(vals)
}

// roundInt rounds x (|x| < 2^51) to the nearest integer, ties to even.
// Adding 1.5·2^52 moves x into the range where the float64 spacing is 1, so
// the hardware's rounding does the work with no call and no branch (unlike
// math.RoundToEven, which has a call fallback on CPUs without SSE4.1).
func roundInt(x float64) float64 {
	const magic = 3 << 51
	return float64(x+magic) - magic
}

// exactAt reports whether v decodes back bit-exactly from decimal scale s.
// It is the one exactness test, shared by the stats pass and the encoder.
func exactAt(v float64, s int) bool {
	p := pow10[s]
	x := float64(v * p)
	return x > -maxScaled && x < maxScaled && math.Float64bits(roundInt(x)/p) == math.Float64bits(v)
}

// climb returns the smallest scale ≥ from at which v is exact, or -1.
func climb(v float64, from int) int {
	for s := from; s <= maxScale; s++ {
		if exactAt(v, s) {
			return s
		}
	}
	return -1
}
