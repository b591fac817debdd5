package glm

import (
	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/learn"
)

// Params are the resolved GLM parameters.
type Params struct {
	Family       string
	Link         string
	TweediePower float64
	Alpha        float64
	Lambda       float64
	LambdaSearch bool
	NLambdas     int
	Standardize  bool
	Intercept    bool
	Solver       string
	MaxIter      int
}

// Defaults, as documented in docs/training.md.
const (
	DefaultAlpha    = 0.5
	DefaultNLambdas = 30
	DefaultMaxIter  = 100
	// WideDesign is the slot count above which solver auto uses L-BFGS
	// (when alpha is 0): a Gram of that size is 8·p² bytes per partial.
	WideDesign = 2000
)

// Resolve fills defaults and checks the parameters.
func Resolve(p *api.GLMParams) (Params, error) {
	var in api.GLMParams
	if p != nil {
		in = *p
	}
	out := Params{Family: in.Family, Link: in.Link, TweediePower: in.TweediePower, Alpha: DefaultAlpha,
		LambdaSearch: in.LambdaSearch, NLambdas: in.NLambdas, Standardize: true, Intercept: true, Solver: in.Solver, MaxIter: in.MaxIterations}
	if out.Family == "" {
		out.Family = "gaussian"
	}
	if in.Alpha != nil {
		out.Alpha = *in.Alpha
	}
	if in.Lambda != nil {
		out.Lambda = *in.Lambda
	}
	if in.Standardize != nil {
		out.Standardize = *in.Standardize
	}
	if in.Intercept != nil {
		out.Intercept = *in.Intercept
	}
	if out.NLambdas == 0 {
		out.NLambdas = DefaultNLambdas
	}
	if out.MaxIter == 0 {
		out.MaxIter = DefaultMaxIter
	}
	if out.Solver == "" {
		out.Solver = "auto"
	}
	bad := func(f string, a ...any) (Params, error) { return Params{}, learn.Bad("", f, a...) }
	switch out.Family {
	case "gaussian", "binomial", "poisson", "gamma", "tweedie", "multinomial":
	default:
		return bad("family %q is not one of gaussian, binomial, poisson, gamma, tweedie, multinomial", out.Family)
	}
	if out.Link == "" {
		out.Link = canonicalLink(out.Family)
	}
	okLink := map[string][]string{
		"gaussian": {"identity", "log", "inverse"}, "binomial": {"logit"}, "multinomial": {"logit", "multinomial"},
		"poisson": {"log", "identity"}, "gamma": {"log", "inverse", "identity"}, "tweedie": {"log", "tweedie"},
	}[out.Family]
	found := false
	for _, l := range okLink {
		found = found || l == out.Link
	}
	if !found {
		return bad("link %q does not go with family %s (use one of %v)", out.Link, out.Family, okLink)
	}
	if out.Link == "multinomial" {
		out.Link = "logit"
	}
	switch {
	case !(out.Alpha >= 0 && out.Alpha <= 1):
		return bad("alpha %g must be in [0, 1]", out.Alpha)
	case !(out.Lambda >= 0):
		return bad("lambda %g must not be negative", out.Lambda)
	case out.NLambdas < 2 || out.NLambdas > 1000:
		return bad("nlambdas %d must be in 2..1000", out.NLambdas)
	case out.MaxIter < 1 || out.MaxIter > 100000:
		return bad("max_iterations %d must be in 1..100000", out.MaxIter)
	case out.Family == "tweedie" && !(out.TweediePower > 1 && out.TweediePower < 2):
		return bad("tweedie_power %g must be between 1 and 2 (exclusive)", out.TweediePower)
	}
	switch out.Solver {
	case "auto", "irlsm", "lbfgs":
	default:
		return bad("solver %q is not one of auto, irlsm, lbfgs", out.Solver)
	}
	if out.Solver == "lbfgs" && out.Alpha > 0 && (out.Lambda > 0 || out.LambdaSearch) {
		return bad("solver lbfgs takes an L2 penalty only: give --alpha 0, or use --solver irlsm for the L1 part")
	}
	return out, nil
}

// Mode is what the family asks of the response.
func (p Params) Mode() string {
	switch p.Family {
	case "binomial":
		return learn.ModeBinomial
	case "multinomial":
		return learn.ModeMultinomial
	}
	return learn.ModeRegression
}

// AsMap is the parameters as the model's params.
func (p Params) AsMap() map[string]any {
	m := map[string]any{"family": p.Family, "link": p.Link, "alpha": p.Alpha, "lambda": p.Lambda, "lambda_search": p.LambdaSearch,
		"nlambdas": p.NLambdas, "standardize": p.Standardize, "intercept": p.Intercept, "solver": p.Solver, "max_iterations": p.MaxIter}
	if p.Family == "tweedie" {
		m["tweedie_power"] = p.TweediePower
	}
	return m
}
