package gbm

import (
	"fmt"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/learn"
)

// Params are the resolved GBM parameters.
type Params struct {
	NTrees            int
	MaxDepth          int
	LearnRate         float64
	MinRows           float64
	NBins             int
	SampleRate        float64
	ColSampleRate     float64
	Distribution      string
	StoppingRounds    int
	StoppingMetric    string
	StoppingTolerance float64
	L2                float64
	Seed              int64
}

// Defaults, as documented in docs/training.md.
const (
	DefaultNTrees    = 50
	DefaultMaxDepth  = 5
	DefaultLearnRate = 0.1
	DefaultMinRows   = 10
	DefaultNBins     = 255
	MaxNBins         = 1024
	MaxDepthLimit    = 30
)

// Resolve fills defaults and checks ranges.
func Resolve(p *api.GBMParams, seed int64) (Params, error) {
	var in api.GBMParams
	if p != nil {
		in = *p
	}
	out := Params{
		NTrees: in.NTrees, MaxDepth: in.MaxDepth, LearnRate: in.LearnRate, MinRows: in.MinRows, NBins: in.NBins,
		SampleRate: in.SampleRate, ColSampleRate: in.ColSampleRate, Distribution: in.Distribution,
		StoppingRounds: in.StoppingRounds, StoppingMetric: in.StoppingMetric, StoppingTolerance: in.StoppingTolerance,
		L2: in.L2, Seed: seed,
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if out.NTrees == 0 {
		out.NTrees = DefaultNTrees
	}
	if out.MaxDepth == 0 {
		out.MaxDepth = DefaultMaxDepth
	}
	if out.NBins == 0 {
		out.NBins = DefaultNBins
	}
	def(&out.LearnRate, DefaultLearnRate)
	def(&out.MinRows, DefaultMinRows)
	def(&out.SampleRate, 1)
	def(&out.ColSampleRate, 1)
	def(&out.StoppingTolerance, 1e-3)
	if out.Distribution == "" {
		out.Distribution = "auto"
	}
	if out.StoppingMetric == "" {
		out.StoppingMetric = "auto"
	}
	bad := func(format string, args ...any) (Params, error) {
		return Params{}, learn.Bad("", format, args...)
	}
	switch {
	case out.NTrees < 1 || out.NTrees > 100000:
		return bad("ntrees %d must be in 1..100000", out.NTrees)
	case out.MaxDepth < 1 || out.MaxDepth > MaxDepthLimit:
		return bad("max_depth %d must be in 1..%d", out.MaxDepth, MaxDepthLimit)
	case !(out.LearnRate > 0 && out.LearnRate <= 1):
		return bad("learn_rate %g must be in (0, 1]", out.LearnRate)
	case out.MinRows < 0:
		return bad("min_rows %g must not be negative", out.MinRows)
	case out.NBins < 2 || out.NBins > MaxNBins:
		return bad("nbins %d must be in 2..%d", out.NBins, MaxNBins)
	case !(out.SampleRate > 0 && out.SampleRate <= 1):
		return bad("sample_rate %g must be in (0, 1]", out.SampleRate)
	case !(out.ColSampleRate > 0 && out.ColSampleRate <= 1):
		return bad("col_sample_rate %g must be in (0, 1]", out.ColSampleRate)
	case out.StoppingRounds < 0:
		return bad("stopping_rounds %d must not be negative", out.StoppingRounds)
	case out.L2 < 0:
		return bad("l2 %g must not be negative", out.L2)
	}
	switch out.Distribution {
	case "auto", "gaussian", "bernoulli", "multinomial", "poisson":
	default:
		return bad("distribution %q is not one of auto, gaussian, bernoulli, multinomial, poisson", out.Distribution)
	}
	switch out.StoppingMetric {
	case "auto", "logloss", "auc", "rmse", "mse", "deviance", "error":
	default:
		return bad("stopping_metric %q is not one of auto, logloss, auc, rmse, mse, deviance, error", out.StoppingMetric)
	}
	return out, nil
}

// Mode is what the distribution asks of the response (learn.Prepare).
func (p Params) Mode() string {
	switch p.Distribution {
	case "gaussian", "poisson":
		return learn.ModeRegression
	case "bernoulli":
		return learn.ModeBinomial
	case "multinomial":
		return learn.ModeMultinomial
	}
	return learn.ModeAuto
}

// settle picks the distribution for auto and the stopping metric.
func (p *Params) settle(kind string) error {
	want := map[string]string{learn.Regression: "gaussian", learn.Binomial: "bernoulli", learn.Multinomial: "multinomial"}[kind]
	if p.Distribution == "auto" {
		p.Distribution = want
	}
	if p.StoppingMetric == "auto" {
		p.StoppingMetric = "logloss"
		if kind == learn.Regression {
			p.StoppingMetric = "deviance"
		}
	}
	switch p.StoppingMetric {
	case "logloss", "auc", "error":
		if kind == learn.Regression {
			return learn.Bad("", "stopping_metric %s needs a classification model", p.StoppingMetric)
		}
	case "rmse", "mse", "deviance":
		if kind != learn.Regression && p.StoppingMetric != "deviance" {
			return learn.Bad("", "stopping_metric %s needs a regression model", p.StoppingMetric)
		}
	}
	if p.StoppingMetric == "auc" && kind != learn.Binomial {
		return learn.Bad("", "stopping_metric auc needs a binomial model")
	}
	return nil
}

// AsMap is the parameters as the model's params.
func (p Params) AsMap() map[string]any {
	return map[string]any{
		"ntrees": p.NTrees, "max_depth": p.MaxDepth, "learn_rate": p.LearnRate, "min_rows": p.MinRows,
		"nbins": p.NBins, "sample_rate": p.SampleRate, "col_sample_rate": p.ColSampleRate,
		"distribution": p.Distribution, "stopping_rounds": p.StoppingRounds, "stopping_metric": p.StoppingMetric,
		"stopping_tolerance": p.StoppingTolerance, "l2": p.L2, "seed": p.Seed,
	}
}

func (p Params) String() string {
	return fmt.Sprintf("%d trees, depth %d, learn rate %g, %s", p.NTrees, p.MaxDepth, p.LearnRate, p.Distribution)
}
