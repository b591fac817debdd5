package xgboost

import "math"

// below returns the float64 threshold t of a split that XGBoost writes as
// the float32 condition c: x <= t exactly when float32(x) < c, for every
// float64 x that is not NaN. XGBoost stores a row's values as float32 (round
// to nearest, ties to even) and sends them left when they are below c, and
// that rounding is monotone, so the values that go left are a ray ending at
// the largest float64 that rounds to a float32 below c. That float64 lies at
// or just under the midpoint between c and the float32 before it: the
// midpoint itself rounds to whichever of the two has an even significand.
// c must be finite.
func below(c float32) float64 {
	p := math.Nextafter32(c, float32(math.Inf(-1)))
	if math.IsInf(float64(p), -1) {
		// c is -MaxFloat32: only values that round to -Inf are below it,
		// those at or beyond -(2^128 - 2^103), where a tie goes to -Inf
		// (MaxFloat32's significand is odd).
		return -(0x1p128 - 0x1p103)
	}
	mid := (float64(p) + float64(c)) / 2 // exact: 25 significant bits at most
	if math.Float32bits(p)&1 == 0 {
		return mid // a tie rounds down to p
	}
	return math.Nextafter(mid, math.Inf(-1))
}
