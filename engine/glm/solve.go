package glm

import (
	"fmt"
	"math"
)

// dense unpacks a packed upper triangle into a full symmetric p×p matrix,
// scaled by s.
func dense(g []float64, p int, s float64) [][]float64 {
	a := make([][]float64, p)
	for i := range a {
		a[i] = make([]float64, p)
	}
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			v := g[packed(p, i, j)] * s
			a[i][j], a[j][i] = v, v
		}
	}
	return a
}

// cholesky factors a (symmetric positive definite) in place into its lower
// triangle L with a = L·Lᵀ; it fails at the first pivot that is not
// positive, returning its index.
func cholesky(a [][]float64) (int, bool) {
	p := len(a)
	for j := 0; j < p; j++ {
		s := a[j][j]
		for k := 0; k < j; k++ {
			s -= a[j][k] * a[j][k]
		}
		if !(s > 1e-13*math.Max(1, math.Abs(a[j][j]))) {
			return j, false
		}
		d := math.Sqrt(s)
		a[j][j] = d
		for i := j + 1; i < p; i++ {
			t := a[i][j]
			for k := 0; k < j; k++ {
				t -= a[i][k] * a[j][k]
			}
			a[i][j] = t / d
		}
	}
	return 0, true
}

// cholSolve solves L·Lᵀ·x = b.
func cholSolve(l [][]float64, b []float64) []float64 {
	p := len(l)
	x := append([]float64(nil), b...)
	for i := 0; i < p; i++ {
		s := x[i]
		for k := 0; k < i; k++ {
			s -= l[i][k] * x[k]
		}
		x[i] = s / l[i][i]
	}
	for i := p - 1; i >= 0; i-- {
		s := x[i]
		for k := i + 1; k < p; k++ {
			s -= l[k][i] * x[k]
		}
		x[i] = s / l[i][i]
	}
	return x
}

// cholInverse returns (L·Lᵀ)⁻¹.
func cholInverse(l [][]float64) [][]float64 {
	p := len(l)
	inv := make([][]float64, p)
	e := make([]float64, p)
	for j := 0; j < p; j++ {
		for i := range e {
			e[i] = 0
		}
		e[j] = 1
		col := cholSolve(l, e)
		for i := 0; i < p; i++ {
			if inv[i] == nil {
				inv[i] = make([]float64, p)
			}
			inv[i][j] = col[i]
		}
	}
	return inv
}

// SingularError names the design column where the Gram lost rank.
type SingularError struct{ Column string }

func (e *SingularError) Error() string {
	return fmt.Sprintf("the design is singular at column %q: it is constant or a combination of other columns", e.Column)
}

// ridgeSolve solves (A + l2·I') β = b, I' leaving out the intercept.
func ridgeSolve(a [][]float64, b []float64, l2 float64, d *design, names []string) ([]float64, error) {
	p := len(a)
	m := make([][]float64, p)
	rhs := append([]float64(nil), b...)
	for i := range m {
		m[i] = append([]float64(nil), a[i]...)
	}
	for i := range m {
		if a[i][i] == 0 {
			// No training row has this level (a split can leave one out):
			// its coefficient is 0, as if the column were not there.
			for j := range m[i] {
				m[i][j], m[j][i] = 0, 0
			}
			m[i][i], rhs[i] = 1, 0
			continue
		}
		if d.penalized(i) {
			m[i][i] += l2
		}
	}
	if j, ok := cholesky(m); !ok {
		return nil, &SingularError{Column: names[j]}
	}
	return cholSolve(m, rhs), nil
}

// cdSolve minimises ½βᵀAβ − bᵀβ + l1‖β‖₁ + l2/2‖β‖² (the intercept free)
// by cyclic coordinate descent from beta (updated in place).
func cdSolve(a [][]float64, b, beta []float64, l1, l2 float64, d *design) {
	p := len(a)
	q := make([]float64, p) // A·β
	for i := 0; i < p; i++ {
		s := 0.0
		for j := 0; j < p; j++ {
			s += a[i][j] * beta[j]
		}
		q[i] = s
	}
	for sweep := 0; sweep < 100000; sweep++ {
		maxd := 0.0
		for j := 0; j < p; j++ {
			ajj := a[j][j]
			if ajj == 0 {
				continue
			}
			r := b[j] - q[j] + ajj*beta[j]
			var nb float64
			if d.penalized(j) {
				nb = soft(r, l1) / (ajj + l2)
			} else {
				nb = r / ajj
			}
			if delta := nb - beta[j]; delta != 0 {
				for i := 0; i < p; i++ {
					q[i] += a[i][j] * delta
				}
				beta[j] = nb
				maxd = math.Max(maxd, math.Abs(delta)/(1+math.Abs(nb)))
			}
		}
		if maxd < 1e-15 {
			return
		}
	}
}

func soft(x, t float64) float64 {
	switch {
	case x > t:
		return x - t
	case x < -t:
		return x + t
	}
	return 0
}

// lowerInverse returns L⁻¹ of a lower triangular L (lower triangular too),
// in p³/3 steps; with it the covariance diagonal is column norms and a
// quadratic form tᵀ(LLᵀ)⁻¹t is ‖L⁻¹t‖², without the full inverse.
func lowerInverse(l [][]float64) [][]float64 {
	p := len(l)
	m := make([][]float64, p)
	for i := range m {
		m[i] = make([]float64, p)
	}
	for j := 0; j < p; j++ {
		m[j][j] = 1 / l[j][j]
		for i := j + 1; i < p; i++ {
			s := 0.0
			for k := j; k < i; k++ {
				s -= l[i][k] * m[k][j]
			}
			m[i][j] = s / l[i][i]
		}
	}
	return m
}
