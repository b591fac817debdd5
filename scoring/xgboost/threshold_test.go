package xgboost

import (
	"math"
	"math/rand/v2"
	"testing"
)

// goesLeft is XGBoost's own rule for a numeric split.
func goesLeft(x float64, c float32) bool { return float32(x) < c }

// probes are float64 values at and around the places where float32
// rounding changes for condition c.
func probes(c float32, t float64) []float64 {
	p := math.Nextafter32(c, float32(math.Inf(-1)))
	q := math.Nextafter32(c, float32(math.Inf(1)))
	var out []float64
	for _, v := range []float64{float64(c), float64(p), float64(q), t,
		(float64(p) + float64(c)) / 2, (float64(c) + float64(q)) / 2} {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			continue
		}
		lo, hi := v, v
		for i := 0; i < 4; i++ {
			out = append(out, lo, hi)
			lo, hi = math.Nextafter(lo, math.Inf(-1)), math.Nextafter(hi, math.Inf(1))
		}
	}
	return out
}

func checkBelow(t *testing.T, c float32) {
	t.Helper()
	th := below(c)
	for _, x := range probes(c, th) {
		if got, want := x <= th, goesLeft(x, c); got != want {
			t.Fatalf("c=%v (bits %#x) t=%v: x=%v goes left %v, XGBoost %v", c, math.Float32bits(c), th, x, got, want)
		}
	}
	// t is the largest such value: the next float64 up rounds to c or above.
	if next := math.Nextafter(th, math.Inf(1)); goesLeft(next, c) {
		t.Fatalf("c=%v: t=%v is not the largest left value (%v also goes left)", c, th, next)
	}
	if !goesLeft(th, c) {
		t.Fatalf("c=%v: t=%v itself does not go left", c, th)
	}
}

func TestBelowMatchesFloat32Comparison(t *testing.T) {
	special := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.5, 1.5, 2, 3, 0.1, -0.1,
		math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 2 * math.SmallestNonzeroFloat32,
		0x1p-126, -0x1p-126, 0x1p-126 - 0x1p-149, math.MaxFloat32, -math.MaxFloat32,
		math.Nextafter32(1, 2), math.Nextafter32(1, 0), math.Nextafter32(-1, 0), 16777216, 16777217, 1e-45, 3.4e38}
	for _, c := range special {
		checkBelow(t, c)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		var c float32
		switch i % 3 {
		case 0: // any finite bit pattern
			c = math.Float32frombits(r.Uint32())
		case 1: // ordinary magnitudes
			c = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(12)-6)))
		default: // integers and halves, as split points of integer columns
			c = float32(r.IntN(2000)-1000) / 2
		}
		if math.IsNaN(float64(c)) || math.IsInf(float64(c), 0) {
			continue
		}
		checkBelow(t, c)
	}
}

// Random float64 rows against random conditions near them, away from the
// hand-picked probes.
func TestBelowRandomRows(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200000; i++ {
		x := r.NormFloat64() * math.Pow(2, float64(r.IntN(40)-20))
		c := float32(x)
		switch r.IntN(3) {
		case 0:
			c = math.Nextafter32(c, 1e30)
		case 1:
			c = math.Nextafter32(c, -1e30)
		}
		if got, want := x <= below(c), goesLeft(x, c); got != want {
			t.Fatalf("x=%v c=%v: %v, XGBoost %v", x, c, got, want)
		}
	}
}
