package glm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The structured Gram's solve and inverse diagonal equal the dense ones on
// a design with one wide categorical.
func TestWideSolveMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	d := &design{IsCat: []bool{false, true, false, true}, Levels: []int{0, 1200, 0, 4}, Intercept: true}
	d.Start = []int{0, 1, 1200, 1201}
	d.P = 1201 + 3 + 1
	d.Mean, d.SD, d.Impute = make([]float64, 4), []float64{1, 1, 1, 1}, make([]float64, 4)
	w := chooseWide(d)
	if w == nil || w.nd() != 1199 {
		t.Fatalf("wide layout %+v", w)
	}
	names := make([]string, d.P)
	for i := range names {
		names[i] = "c"
	}
	ws := newWideSums(w)
	g := make([]float64, d.P*(d.P+1)/2)
	b1 := make([]float64, d.P)
	b2 := make([]float64, d.P)
	var r sparseRow
	for i := 0; i < 30000; i++ {
		r.Idx, r.Val = r.Idx[:0], r.Val[:0]
		r.Idx = append(r.Idx, 0)
		r.Val = append(r.Val, rng.NormFloat64())
		if lvl := rng.IntN(1200); lvl > 0 {
			r.Idx = append(r.Idx, int32(d.Start[1]+lvl-1))
			r.Val = append(r.Val, 1)
		}
		r.Idx = append(r.Idx, 1200)
		r.Val = append(r.Val, rng.Float64()*3)
		if lvl := rng.IntN(4); lvl > 0 {
			r.Idx = append(r.Idx, int32(d.Start[3]+lvl-1))
			r.Val = append(r.Val, 1)
		}
		r.Idx = append(r.Idx, int32(d.P-1))
		r.Val = append(r.Val, 1)
		wi, z := 0.2+rng.Float64(), rng.NormFloat64()
		accumulate(g, b1, d.P, &r, wi, z)
		accumulateWide(&ws, b2, w, &r, wi, z)
	}
	a := dense(g, d.P, 1.0/30000)
	want, err := ridgeSolve(a, scaled(b1, 1.0/30000), 0.01, d, names)
	if err != nil {
		t.Fatal(err)
	}
	got, diag, _, err := wideSolve(&ws, b2, w, d, 1.0/30000, 0.01, names, true)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9*math.Max(1, math.Abs(want[i])) {
			t.Fatalf("slot %d: wide %v, dense %v", i, got[i], want[i])
		}
	}
	m := dense(g, d.P, 1.0/30000)
	for i := range m {
		if d.penalized(i) {
			m[i][i] += 0.01
		}
	}
	if _, ok := cholesky(m); !ok {
		t.Fatal("dense not positive definite")
	}
	inv := cholInverse(m)
	for _, i := range []int{0, 5, 700, 1199, 1200, 1203, d.P - 1} {
		if math.Abs(diag[i]-inv[i][i]) > 1e-8*math.Abs(inv[i][i]) {
			t.Errorf("inverse diagonal %d: wide %v, dense %v", i, diag[i], inv[i][i])
		}
	}
}

func scaled(b []float64, s float64) []float64 {
	out := make([]float64, len(b))
	for i, v := range b {
		out[i] = v * s
	}
	return out
}
