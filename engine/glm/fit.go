package glm

import (
	"context"
	"fmt"
	"math"

	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/mr"
)

// fitter runs the passes of one fit.
type fitter struct {
	ex    mr.Executor
	in    mr.Input
	d     *design
	fam   family
	bind  learn.Binding
	folds learn.Folds
	names []string
	sw    float64 // total weight W
	ybar  float64
	k     int // coefficient vectors (classes for multinomial)
	p     Params
	iters int
	prog  func(string)
	pw    []float64 // L-BFGS: penalty weight per slot (nil = 1)
	wide  *wideLayout
}

func (f *fitter) pass(ctx context.Context, a passArgs) (passOut, error) {
	a.D, a.Fam, a.Bind, a.Folds, a.Wide = *f.d, f.fam, f.bind, f.folds, f.wide
	if a.Mode != modeEval {
		a.NullMu = math.NaN()
	}
	out, err := passTask.RunIn(ctx, f.ex, f.in, a)
	if err == nil && out.B == nil && (a.Mode == modeIRLS || a.Mode == modeEval) {
		out.B = make([]float64, f.d.P)
		if f.wide != nil {
			ws := newWideSums(f.wide)
			out.WS = &ws
		} else {
			out.G = make([]float64, f.d.P*(f.d.P+1)/2)
		}
	}
	if err == nil && out.Grad == nil && a.Mode == modeGrad {
		out.Grad = make([]float64, f.d.P*len(a.Beta))
	}
	return out, err
}

// penalty is λ(α‖b‖₁ + (1−α)/2‖b‖²) over every class vector.
func (f *fitter) penalty(beta [][]float64, lambda, alpha float64) float64 {
	if lambda == 0 {
		return 0
	}
	s := 0.0
	for _, b := range beta {
		for j, v := range b {
			if f.d.penalized(j) {
				s += alpha*math.Abs(v) + (1-alpha)/2*v*v
			}
		}
	}
	return lambda * s
}

// start is the coefficient vectors IRLS starts from (zero but for the
// intercepts, which the first pass's row-wise start makes irrelevant for
// single-class families).
func (f *fitter) start(classW []float64) [][]float64 {
	beta := make([][]float64, f.k)
	for c := range beta {
		beta[c] = make([]float64, f.d.P)
		if f.d.Intercept && f.fam.Name == "multinomial" {
			beta[c][f.d.P-1] = math.Log(math.Max(classW[c]/f.sw, 1e-10))
		}
	}
	return beta
}

// irls fits a single-class model at (lambda, alpha) from beta. fresh makes
// the first pass start from the rows' responses.
func (f *fitter) irls(ctx context.Context, beta []float64, lambda, alpha float64, fresh bool) ([]float64, error) {
	prev := append([]float64(nil), beta...)
	prevObj := math.Inf(1)
	halvings := 0
	for it := 0; it < f.p.MaxIter; it++ {
		out, err := f.pass(ctx, passArgs{Mode: modeIRLS, Beta: [][]float64{beta}, Start: fresh && it == 0, YBar: f.ybar})
		if err != nil {
			return nil, err
		}
		f.iters++
		obj := out.Loss/f.sw + f.penalty([][]float64{beta}, lambda, alpha)
		if !(fresh && it == 0) {
			if !(obj <= prevObj+1e-12*math.Abs(prevObj)) && halvings < 40 || math.IsNaN(obj) {
				// The step went too far: halve it, as R's glm.fit does.
				halvings++
				for j := range beta {
					beta[j] = (beta[j] + prev[j]) / 2
				}
				continue
			}
			copy(prev, beta)
			prevObj = obj
		}
		halvings = 0
		nb, err := f.solve(out, beta, lambda, alpha)
		if err != nil {
			return nil, err
		}
		change := 0.0
		for j := range nb {
			change = math.Max(change, math.Abs(nb[j]-beta[j])/(1+math.Abs(nb[j])))
		}
		beta = nb
		if f.prog != nil {
			f.prog(fmt.Sprintf("iteration %d objective %.10g", f.iters, obj))
		}
		if change < 1e-11 {
			return beta, nil
		}
	}
	return beta, nil
}

// solve minimises the pass's quadratic approximation with the penalty.
func (f *fitter) solve(out passOut, beta []float64, lambda, alpha float64) ([]float64, error) {
	if f.wide != nil {
		if math.IsInf(lambda, 1) {
			nb := make([]float64, f.d.P)
			if f.d.Intercept {
				j := f.d.P - 1
				ri := f.wide.RIdx[j]
				nb[j] = out.B[j] / out.WS.RR[packed(f.wide.nr(), ri, ri)]
			}
			return nb, nil
		}
		nb, _, _, err := wideSolve(out.WS, out.B, f.wide, f.d, 1/f.sw, lambda*(1-alpha), f.names, false)
		return nb, err
	}
	a := dense(out.G, f.d.P, 1/f.sw)
	b := make([]float64, f.d.P)
	for j, v := range out.B {
		b[j] = v / f.sw
	}
	if math.IsInf(lambda, 1) { // the null model: the intercept alone
		nb := make([]float64, f.d.P)
		if f.d.Intercept {
			j := f.d.P - 1
			nb[j] = b[j] / a[j][j]
		}
		return nb, nil
	}
	if alpha == 0 || lambda == 0 {
		return ridgeSolve(a, b, lambda*(1-alpha), f.d, f.names)
	}
	nb := append([]float64(nil), beta...)
	cdSolve(a, b, nb, lambda*alpha, lambda*(1-alpha), f.d)
	return nb, nil
}

// multinomial fits the class blocks in turn until none moves.
func (f *fitter) multinomial(ctx context.Context, beta [][]float64, lambda, alpha float64) ([][]float64, error) {
	for sweep := 0; sweep < 50*f.p.MaxIter; sweep++ {
		change := 0.0
		for c := range beta {
			out, err := f.pass(ctx, passArgs{Mode: modeIRLS, Beta: beta, Class: c})
			if err != nil {
				return nil, err
			}
			f.iters++
			var nb []float64
			if math.IsInf(lambda, 1) {
				nb, err = f.solve(out, beta[c], lambda, alpha)
			} else if alpha == 0 || lambda == 0 {
				nb, err = f.solve(out, beta[c], lambda, alpha)
				if lambda == 0 && err != nil {
					nb, err = f.solve(out, beta[c], 1e-10, 0) // unpenalized blocks are not identifiable on their own
				}
			} else {
				nb, err = f.solve(out, beta[c], lambda, alpha)
			}
			if err != nil {
				return nil, err
			}
			for j := range nb {
				change = math.Max(change, math.Abs(nb[j]-beta[c][j])/(1+math.Abs(nb[j])))
			}
			beta[c] = nb
		}
		if f.prog != nil {
			f.prog(fmt.Sprintf("sweep %d change %.3g", sweep+1, change))
		}
		if change < 1e-11 {
			break
		}
	}
	f.center(beta, lambda)
	return beta, nil
}

// center makes the intercepts sum to 0 (the objective does not change) and,
// without a penalty, every coefficient's class values too.
func (f *fitter) center(beta [][]float64, lambda float64) {
	for j := 0; j < f.d.P; j++ {
		if f.d.penalized(j) && lambda > 0 {
			continue
		}
		m := 0.0
		for c := range beta {
			m += beta[c][j]
		}
		m /= float64(len(beta))
		for c := range beta {
			beta[c][j] -= m
		}
	}
}

// fit fits at one lambda with the solver chosen.
func (f *fitter) fit(ctx context.Context, beta [][]float64, lambda float64, fresh bool) ([][]float64, error) {
	if f.useLBFGS() {
		return f.lbfgs(ctx, beta, lambda)
	}
	if f.fam.Name == "multinomial" {
		return f.multinomial(ctx, beta, lambda, f.p.Alpha)
	}
	b, err := f.irls(ctx, beta[0], lambda, f.p.Alpha, fresh)
	if err != nil {
		return nil, err
	}
	return [][]float64{b}, nil
}

func (f *fitter) useLBFGS() bool {
	if f.wide != nil {
		return false
	}
	switch f.p.Solver {
	case "lbfgs":
		return true
	case "irlsm":
		return false
	}
	if f.fam.Name == "multinomial" && (f.p.Alpha == 0 || (f.p.Lambda == 0 && !f.p.LambdaSearch)) {
		// Cycling IRLSM over the class blocks converges slowly (each block
		// moves with the others fixed); the smooth joint objective suits
		// L-BFGS.
		return true
	}
	return f.d.P > WideDesign && (f.p.Alpha == 0 || (f.p.Lambda == 0 && !f.p.LambdaSearch))
}

// lambdaMax is the smallest lambda at which every penalized coefficient is
// 0, from the gradient at the null model.
func (f *fitter) lambdaMax(ctx context.Context, null [][]float64) (float64, error) {
	out, err := f.pass(ctx, passArgs{Mode: modeGrad, Beta: null})
	if err != nil {
		return 0, err
	}
	m := 0.0
	for c := range null {
		for j := 0; j < f.d.P; j++ {
			if f.d.penalized(j) {
				m = math.Max(m, math.Abs(out.Grad[c*f.d.P+j])/f.sw)
			}
		}
	}
	return m / math.Max(f.p.Alpha, 1e-3), nil
}
