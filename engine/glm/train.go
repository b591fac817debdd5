package glm

import (
	"context"
	"fmt"
	"math"

	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/scoring"
)

// Result is a fitted GLM with its statistics.
type Result struct {
	Model        *scoring.GLM
	Names        []string // coefficient names, class-prefixed for multinomial
	Coef, Std    []float64
	SE, Z, P     []float64 // nil when penalized
	Lambda       float64
	Iterations   int
	Deviance     float64 // total residual deviance on the training rows
	NullDeviance float64
	AIC          float64 // NaN where not defined
	Dispersion   float64
	Path         []PathPoint
	Notes        []string
	Design       *design
	fitter       *fitter
}

// PathPoint is one lambda of a lambda search.
type PathPoint struct {
	Lambda, TrainDeviance, ValidDeviance float64
	Nonzero                              int
}

// Train fits the GLM s asks for (rows of folds left out weigh 0).
func Train(ctx context.Context, d mr.Driver, s *learn.Setup, p Params, folds learn.Folds, label string) (*Result, error) {
	fam := family{Name: p.Family, Link: p.Link, Power: p.TweediePower}
	if p.Link == "tweedie" {
		fam.LinkP = 1 - p.TweediePower
	}
	ts := s.Stats[s.Cols[s.Req.Target]]
	switch {
	case p.Family == "multinomial" && s.Req.OffsetColumn != "":
		return nil, learn.Bad("", "an offset column does not go with the multinomial family")
	case (p.Family == "poisson" || p.Family == "tweedie") && ts.Min < 0:
		return nil, learn.Bad("", "the %s family needs a target without negative values; %q has %g", p.Family, s.Req.Target, ts.Min)
	case p.Family == "gamma" && ts.Min <= 0:
		return nil, learn.Bad("", "the gamma family needs a positive target; %q has %g", s.Req.Target, ts.Min)
	}
	k := 1
	if p.Family == "multinomial" {
		k = len(s.Schema.Classes)
	}
	dz := newDesign(s.Schema.Features, p.Intercept, p.Standardize)
	in := mr.Input{Frame: s.Train, Job: d.Job()}
	ybar, sw, classW, err := standardize(ctx, d, in, dz, *s.Bind, folds, map[bool]int{true: k, false: 0}[k > 1])
	if err != nil {
		return nil, err
	}
	f := &fitter{ex: d, in: in, d: dz, fam: fam, bind: *s.Bind, folds: folds, sw: sw, ybar: ybar, k: k, p: p}
	f.names = dz.names(s.Schema.Features)
	if k == 1 && p.Solver != "lbfgs" && (p.Alpha == 0 || (p.Lambda == 0 && !p.LambdaSearch)) {
		f.wide = chooseWide(dz) // a ridge or unpenalized fit can use the structured Gram
	}
	f.prog = func(msg string) { d.Progress(0, label+msg) }
	res := &Result{Design: dz, fitter: f, AIC: math.NaN()}
	if p.Family != "multinomial" && p.Family != "binomial" && !p.Intercept {
		res.Notes = append(res.Notes, "no intercept: standardization scales the numeric columns without centering them")
	}

	null, err := f.nullModel(ctx, classW)
	if err != nil {
		return nil, err
	}
	var beta [][]float64
	lambda := p.Lambda
	if p.LambdaSearch {
		beta, lambda, err = f.search(ctx, s, null, label, &res.Path)
	} else {
		start := f.start(classW)
		beta, err = f.fit(ctx, start, lambda, true)
	}
	if err != nil {
		return nil, err
	}
	res.Lambda, res.Iterations = lambda, f.iters
	if err := f.statistics(ctx, s, beta, classW, res); err != nil {
		return nil, err
	}
	return res, nil
}

// nullModel fits the intercept alone (with the offset) and returns the
// full design's coefficients with every other slot 0.
func (f *fitter) nullModel(ctx context.Context, classW []float64) ([][]float64, error) {
	beta := make([][]float64, f.k)
	for c := range beta {
		beta[c] = make([]float64, f.d.P)
	}
	if !f.d.Intercept {
		return beta, nil
	}
	if f.k > 1 {
		for c := range beta {
			beta[c][f.d.P-1] = math.Log(math.Max(classW[c]/f.sw, 1e-10))
		}
		f.center(beta, 1)
		return beta, nil
	}
	if f.bind.Offset < 0 {
		beta[0][f.d.P-1] = f.fam.linkFn(f.ybar)
		return beta, nil
	}
	nf := &fitter{ex: f.ex, in: f.in, d: interceptOnly(len(f.d.IsCat)), fam: f.fam, bind: f.bind, folds: f.folds, sw: f.sw, ybar: f.ybar, k: 1, p: f.p, names: []string{"Intercept"}}
	b, err := nf.irls(ctx, []float64{0}, 0, 0, true)
	if err != nil {
		return nil, err
	}
	f.iters += nf.iters
	beta[0][f.d.P-1] = b[0]
	return beta, nil
}

// search walks lambda down a log-spaced path from lambda_max, warm
// starting each fit; it keeps the lambda with the lowest validation
// deviance, or the last one without a validation frame.
func (f *fitter) search(ctx context.Context, s *learn.Setup, null [][]float64, label string, path *[]PathPoint) ([][]float64, float64, error) {
	lmax, err := f.lambdaMax(ctx, null)
	if err != nil {
		return nil, 0, err
	}
	ratio := 1e-4
	if float64(s.Train.Rows()) < float64(f.d.P) {
		ratio = 1e-2
	}
	n := f.p.NLambdas
	beta := copyBeta(null)
	var best [][]float64
	bestL, bestDev := 0.0, math.Inf(1)
	for i := 0; i < n; i++ {
		l := lmax * math.Pow(ratio, float64(i)/float64(n-1))
		beta, err = f.fit(ctx, beta, l, false)
		if err != nil {
			return nil, 0, err
		}
		pt := PathPoint{Lambda: l, ValidDeviance: math.NaN()}
		ev, err := f.pass(ctx, passArgs{Mode: modeEval, Beta: beta, NullMu: math.NaN()})
		if err != nil {
			return nil, 0, err
		}
		pt.TrainDeviance = ev.Dev
		for _, b := range beta {
			for j, v := range b {
				if v != 0 && f.d.penalized(j) {
					pt.Nonzero++
				}
			}
		}
		score := float64(-i) // without validation: the last lambda wins
		if s.Valid != nil && !f.folds.Active() {
			vf := *f
			vf.in = mr.Input{Frame: s.Valid, Job: f.in.Job}
			vf.bind = *s.VBind
			vf.folds = learn.NoFolds
			vev, err := vf.pass(ctx, passArgs{Mode: modeEval, Beta: beta, NullMu: math.NaN()})
			if err != nil {
				return nil, 0, err
			}
			pt.ValidDeviance = vev.Dev
			score = vev.Dev
		}
		*path = append(*path, pt)
		f.prog(fmt.Sprintf("lambda %d/%d (%.4g): %d nonzero, train deviance %.6g", i+1, n, l, pt.Nonzero, pt.TrainDeviance))
		if score < bestDev {
			best, bestL, bestDev = copyBeta(beta), l, score
		}
	}
	return best, bestL, nil
}

func copyBeta(b [][]float64) [][]float64 {
	out := make([][]float64, len(b))
	for i := range b {
		out[i] = append([]float64(nil), b[i]...)
	}
	return out
}

// statistics computes deviances, AIC, standard errors and the model.
func (f *fitter) statistics(ctx context.Context, s *learn.Setup, beta [][]float64, classW []float64, res *Result) error {
	nullMu := math.NaN()
	if f.k == 1 && f.bind.Offset < 0 {
		nullMu = f.ybar
	}
	ev, err := f.pass(ctx, passArgs{Mode: modeEval, Beta: beta, NullMu: nullMu, Phi: 1})
	if err != nil {
		return err
	}
	res.Deviance = ev.Dev
	switch {
	case f.k > 1:
		nd := 0.0
		for _, w := range classW {
			if w > 0 {
				nd -= 2 * w * math.Log(w/f.sw)
			}
		}
		res.NullDeviance = nd
	case f.bind.Offset < 0:
		res.NullDeviance = ev.NullDev
	default:
		nb := make([][]float64, 1)
		nb[0] = make([]float64, f.d.P)
		if f.d.Intercept {
			null, err := f.nullModel(ctx, classW)
			if err != nil {
				return err
			}
			nb = null
		}
		nev, err := f.pass(ctx, passArgs{Mode: modeEval, Beta: nb, NullMu: math.NaN()})
		if err != nil {
			return err
		}
		res.NullDeviance = nev.Dev
	}
	nparams := float64(f.d.P * f.k)
	res.Dispersion = 1
	switch f.fam.Name {
	case "gaussian", "gamma", "tweedie":
		res.Dispersion = ev.Pearson / (f.sw - nparams)
	}
	switch f.fam.Name {
	case "binomial", "poisson":
		res.AIC = -2*ev.LogLik + 2*nparams
	case "multinomial":
		res.AIC = ev.Dev + 2*nparams
	case "gaussian":
		llf := -f.sw / 2 * (math.Log(2*math.Pi*ev.Dev/f.sw) + 1)
		res.AIC = -2*llf + 2*nparams
	case "gamma":
		gev, err := f.pass(ctx, passArgs{Mode: modeEval, Beta: beta, NullMu: math.NaN(), Phi: res.Dispersion})
		if err != nil {
			return err
		}
		res.AIC = -2*gev.LogLik + 2*nparams
	}
	// The model on the original scale.
	m := &scoring.GLM{Schema: s.Schema, Family: f.fam.Name, Link: f.fam.Link, TweediePower: f.fam.Power, LinkPower: f.fam.LinkP,
		Intercept: f.d.Intercept, Start: append([]int(nil), f.d.Start...), Impute: append([]float64(nil), f.d.Impute...)}
	if f.k > 1 {
		m.Link = "multinomial"
	}
	for c := range beta {
		orig := f.d.toOriginal(beta[c])
		m.Beta = append(m.Beta, orig)
		std := f.d.toStandard(orig)
		for j := range orig {
			name := f.names[j]
			if f.k > 1 {
				name = s.Schema.Classes[c] + ":" + name
			}
			res.Names = append(res.Names, name)
			res.Coef = append(res.Coef, orig[j])
			res.Std = append(res.Std, std[j])
		}
	}
	res.Model = m
	if n := f.emptySlots(ev); n > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d categorical level(s) have no training rows; their coefficients are 0", n))
	}
	if res.Lambda == 0 && f.k == 1 && (f.d.P <= WideDesign || f.wide != nil) {
		if err := f.stdErrors(ev, beta[0], res); err != nil {
			res.Notes = append(res.Notes, "no standard errors: "+err.Error())
		}
	}
	return nil
}

// stdErrors fills the standard errors, z and p values of an unpenalized
// fit from the Gram at the solution: cov = dispersion · (XᵀWX)⁻¹, mapped to
// the original scale.
func (f *fitter) stdErrors(ev passOut, beta []float64, res *Result) error {
	p := f.d.P
	var diag []float64
	var covAt func(i, j int) float64
	var quad func(t []float64) float64 // tᵀ cov t
	empty := make([]bool, p)           // slots no training row has: no standard error
	if f.wide != nil {
		for k, v := range ev.WS.D {
			empty[f.wide.DLo+k] = v == 0
		}
		for i, sl := range f.wide.R {
			empty[sl] = ev.WS.RR[packed(f.wide.nr(), i, i)] == 0
		}
	} else {
		for i := 0; i < p; i++ {
			empty[i] = ev.G[packed(p, i, i)] == 0
		}
	}
	if f.wide != nil {
		var sinv [][]float64
		var err error
		if _, diag, sinv, err = wideSolve(ev.WS, ev.B, f.wide, f.d, 1, 0, f.names, true); err != nil {
			return err
		}
		covAt = func(i, j int) float64 {
			ri, rj := f.wide.RIdx[i], f.wide.RIdx[j]
			if ri < 0 || rj < 0 {
				if i == j {
					return diag[i]
				}
				return math.NaN() // not needed: the intercept's transform touches R slots only
			}
			return sinv[ri][rj]
		}
	} else {
		a := dense(ev.G, p, 1)
		for i := range a {
			if empty[i] {
				for j := range a {
					a[i][j], a[j][i] = 0, 0
				}
				a[i][i] = 1
			}
		}
		if j, ok := cholesky(a); !ok {
			return &SingularError{Column: f.names[j]}
		}
		// Only the diagonal and the intercept's quadratic form are needed:
		// (LLᵀ)⁻¹ = L⁻ᵀL⁻¹, so cov(i, j) = Σ_k M[k][i]·M[k][j] with M = L⁻¹,
		// M zero above the diagonal.
		m := lowerInverse(a)
		covAt = func(i, j int) float64 {
			s := 0.0
			for k := max(i, j); k < p; k++ {
				s += m[k][i] * m[k][j]
			}
			return s
		}
		quad = func(t []float64) float64 {
			s := 0.0
			for k := 0; k < p; k++ {
				y := 0.0
				for j := 0; j <= k; j++ {
					y += m[k][j] * t[j]
				}
				s += y * y
			}
			return s
		}
	}
	res.SE = make([]float64, p)
	res.Z = make([]float64, p)
	res.P = make([]float64, p)
	for i := 0; i < p; i++ {
		v := covAt(i, i)
		if f.d.Std {
			if i == p-1 && f.d.Intercept && f.d.Center {
				t := make([]float64, p)
				t[i] = 1
				for j := range f.d.IsCat {
					if !f.d.IsCat[j] {
						t[f.d.Start[j]] = -f.d.Mean[j] / f.d.SD[j]
					}
				}
				if quad != nil {
					v = quad(t)
				} else {
					v = 0
					for x := 0; x < p; x++ {
						if t[x] == 0 {
							continue
						}
						for y := 0; y < p; y++ {
							if t[y] != 0 {
								v += t[x] * covAt(x, y) * t[y]
							}
						}
					}
				}
			} else if sd := f.slotSD(i); sd != 1 {
				v /= sd * sd
			}
		}
		if empty[i] {
			res.SE[i], res.Z[i], res.P[i] = math.NaN(), math.NaN(), math.NaN()
			continue
		}
		se := math.Sqrt(v * res.Dispersion)
		res.SE[i] = se
		res.Z[i] = res.Coef[i] / se
		res.P[i] = math.Erfc(math.Abs(res.Z[i]) / math.Sqrt2)
	}
	return nil
}

// slotSD is the standardization sd of a numeric slot (1 otherwise).
func (f *fitter) slotSD(s int) float64 {
	for j := range f.d.IsCat {
		if !f.d.IsCat[j] && f.d.Start[j] == s {
			return f.d.SD[j]
		}
	}
	return 1
}

// Deviances are a model's residual and null deviance on some frame.
type Deviances struct{ Deviance, NullDeviance float64 }

// Deviance computes the fitted model's total deviance on another frame
// (validation), and the null deviance there with the training null model's
// mean (or, with an offset, its intercept).
func Deviance(ctx context.Context, d mr.Driver, s *learn.Setup, res *Result, b learn.Binding) (Deviances, error) {
	f := *res.fitter
	f.in = mr.Input{Frame: s.Valid, Job: d.Job()}
	f.bind = b
	f.folds = learn.NoFolds
	beta := make([][]float64, len(res.Model.Beta))
	for c := range beta {
		// back to the solver's scale
		beta[c] = res.fitter.d.fromOriginal(res.Model.Beta[c])
	}
	nullMu := math.NaN()
	if f.k == 1 && b.Offset < 0 {
		nullMu = f.ybar
	}
	ev, err := f.pass(ctx, passArgs{Mode: modeEval, Beta: beta, NullMu: nullMu})
	if err != nil {
		return Deviances{}, err
	}
	return Deviances{Deviance: ev.Dev, NullDeviance: ev.NullDev}, nil
}

// emptySlots counts the coefficient slots no training row touched (from an
// IRLS or eval pass of a single-class fit).
func (f *fitter) emptySlots(ev passOut) int {
	n := 0
	switch {
	case ev.WS != nil:
		for _, v := range ev.WS.D {
			if v == 0 {
				n++
			}
		}
	case ev.G != nil:
		for i := 0; i < f.d.P; i++ {
			if ev.G[packed(f.d.P, i, i)] == 0 {
				n++
			}
		}
	}
	return n
}
