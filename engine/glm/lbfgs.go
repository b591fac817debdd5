package glm

import (
	"context"
	"fmt"
	"math"
)

// lbfgs minimises the smooth objective (1/W)Σwℓ + λ/2‖b‖² with limited
// memory BFGS: one gradient pass per evaluation, no Gram. It always works on
// standardized columns, whose curvature is even: an unstandardized fit is
// solved there too, with the penalty weighted so that it still falls on
// the original-scale coefficients (a change of variables: same optimum).
func (f *fitter) lbfgs(ctx context.Context, beta [][]float64, lambda float64) ([][]float64, error) {
	if !f.d.Std {
		sf := *f
		sd := *f.d
		sd.Std, sd.Center = true, f.d.Intercept
		sf.d = &sd
		sf.pw = make([]float64, sd.P)
		for i := range sf.pw {
			sf.pw[i] = 1
		}
		for j := range sd.IsCat {
			if !sd.IsCat[j] {
				sf.pw[sd.Start[j]] = 1 / (sd.SD[j] * sd.SD[j])
			}
		}
		in := make([][]float64, len(beta))
		for c := range beta {
			in[c] = sd.fromOriginal(beta[c])
		}
		out, err := sf.lbfgs(ctx, in, lambda)
		f.iters = sf.iters
		if err != nil {
			return nil, err
		}
		for c := range out {
			out[c] = sd.toOriginal(out[c])
		}
		return out, nil
	}
	p, k := f.d.P, len(beta)
	n := p * k
	x := make([]float64, n)
	for c := range beta {
		copy(x[c*p:], beta[c])
	}
	eval := func(x []float64) (float64, []float64, error) {
		bs := make([][]float64, k)
		for c := range bs {
			bs[c] = x[c*p : (c+1)*p]
		}
		out, err := f.pass(ctx, passArgs{Mode: modeGrad, Beta: bs})
		if err != nil {
			return 0, nil, err
		}
		f.iters++
		g := make([]float64, n)
		obj := out.Loss / f.sw
		for i := range g {
			g[i] = out.Grad[i] / f.sw
			if f.d.penalized(i % p) {
				pw := 1.0
				if f.pw != nil {
					pw = f.pw[i%p]
				}
				g[i] += lambda * pw * x[i]
				obj += lambda / 2 * pw * x[i] * x[i]
			}
		}
		return obj, g, nil
	}
	fx, g, err := eval(x)
	if err != nil {
		return nil, err
	}
	const mem = 10
	var ss, ys [][]float64
	var rhos []float64
	for it := 0; it < f.p.MaxIter*10; it++ {
		if inf(g) < 1e-10 {
			break
		}
		// Two-loop recursion for the direction.
		q := append([]float64(nil), g...)
		alphas := make([]float64, len(ss))
		for i := len(ss) - 1; i >= 0; i-- {
			alphas[i] = rhos[i] * dotv(ss[i], q)
			axpy(-alphas[i], ys[i], q)
		}
		if len(ss) > 0 {
			l := len(ss) - 1
			scale(dotv(ss[l], ys[l])/dotv(ys[l], ys[l]), q)
		} else {
			scale(1/math.Max(1, inf(g)), q)
		}
		for i := range ss {
			b := rhos[i] * dotv(ys[i], q)
			axpy(alphas[i]-b, ss[i], q)
		}
		for i := range q {
			q[i] = -q[i]
		}
		gd := dotv(g, q)
		if gd >= 0 { // not a descent direction: restart
			ss, ys, rhos = nil, nil, nil
			for i := range q {
				q[i] = -g[i]
			}
			gd = dotv(g, q)
		}
		// Backtracking line search (Armijo).
		step := 1.0
		var nx, ng []float64
		var nf float64
		for ls := 0; ; ls++ {
			nx = append(nx[:0], x...)
			axpy(step, q, nx)
			nf, ng, err = eval(nx)
			if err != nil {
				return nil, err
			}
			if nf <= fx+1e-4*step*gd || ls >= 40 {
				break
			}
			step /= 2
		}
		s := make([]float64, n)
		y := make([]float64, n)
		for i := range s {
			s[i] = nx[i] - x[i]
			y[i] = ng[i] - g[i]
		}
		if sy := dotv(s, y); sy > 1e-300 {
			ss, ys, rhos = append(ss, s), append(ys, y), append(rhos, 1/sy)
			if len(ss) > mem {
				ss, ys, rhos = ss[1:], ys[1:], rhos[1:]
			}
		}
		done := math.Abs(fx-nf) <= 1e-16*math.Max(1, math.Abs(fx))
		x, fx, g = nx, nf, ng
		if f.prog != nil {
			f.prog(fmt.Sprintf("L-BFGS iteration %d objective %.10g", it+1, fx))
		}
		if done {
			break
		}
	}
	out := make([][]float64, k)
	for c := range out {
		out[c] = append([]float64(nil), x[c*p:(c+1)*p]...)
	}
	if f.fam.Name == "multinomial" {
		f.center(out, lambda)
	}
	return out, nil
}

func dotv(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}

func inf(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}
