package xgboost

import (
	"fmt"
	"math"
)

type objective struct {
	dist string
	k    int       // margins
	init []float64 // the base margin per output
}

// Supported lists the objectives Read translates, for messages and docs.
const Supported = "reg:squarederror (reg:linear), binary:logistic, binary:logitraw, multi:softprob, multi:softmax, count:poisson, reg:gamma, reg:tweedie"

// objectiveFor maps the objective onto a scoring distribution and turns
// base_score into the base margin the way XGBoost does when it loads the
// file (ObjFunction::ProbToMargin, in float32).
func objectiveFor(info *Info) (objective, error) {
	b := info.BaseScore
	one := func(f func(float32) float32) ([]float64, error) {
		if len(b) != 1 {
			return nil, fmt.Errorf("xgboost: %s with %d base scores", info.Objective, len(b))
		}
		v := f(float32(b[0]))
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("xgboost: %s with base_score %v has no base margin", info.Objective, b[0])
		}
		return []float64{float64(v)}, nil
	}
	var o objective
	var err error
	o.k = 1
	switch info.Objective {
	case "reg:squarederror", "reg:linear":
		o.dist = "gaussian"
		o.init, err = one(func(x float32) float32 { return x })
	case "binary:logistic":
		o.dist = "bernoulli"
		o.init, err = one(logit32)
	case "binary:logitraw":
		// The base score is a margin from 1.4.0 on; before, XGBoost took
		// it for a probability as binary:logistic does.
		o.dist = "bernoulli"
		if info.Version[0] == 1 && info.Version[1] < 4 {
			o.init, err = one(logit32)
		} else {
			o.init, err = one(func(x float32) float32 { return x })
		}
	case "multi:softprob", "multi:softmax":
		o.dist, o.k = "multinomial", info.NumClass
		if o.k < 2 {
			return o, fmt.Errorf("xgboost: %s with num_class %d", info.Objective, info.NumClass)
		}
		switch len(b) {
		case 1: // before 3.1 one value for every class (softmax ignores it)
			o.init = make([]float64, o.k)
			for c := range o.init {
				o.init[c] = b[0]
			}
		case o.k:
			o.init = append([]float64(nil), b...)
		default:
			return o, fmt.Errorf("xgboost: %d base scores for %d classes", len(b), o.k)
		}
	case "count:poisson", "reg:gamma", "reg:tweedie":
		o.dist = map[string]string{"count:poisson": "poisson", "reg:gamma": "gamma", "reg:tweedie": "tweedie"}[info.Objective]
		o.init, err = one(func(x float32) float32 { return float32(math.Log(float64(x))) })
	case "":
		return o, fmt.Errorf("xgboost: the model names no objective: %w (%s are)", ErrUnsupported, Supported)
	default:
		return o, fmt.Errorf("xgboost: objective %q: %w (%s are)", info.Objective, ErrUnsupported, Supported)
	}
	if o.dist != "multinomial" && info.NumClass > 1 {
		return o, fmt.Errorf("xgboost: %s with num_class %d", info.Objective, info.NumClass)
	}
	return o, err
}

// logit32 is XGBoost's ProbToMargin for the logistic objectives: the
// probability bounded to [1e-6, 1-1e-6] (3.x; older releases refused a
// value outside (0, 1)), then -log(1/p - 1), all in float32.
func logit32(p float32) float32 {
	eps := float32(1e-6)
	hi := float32(1) - eps
	p = min(max(p, eps), hi)
	y := float32(1)/p - float32(1)
	return -float32(math.Log(float64(y)))
}
