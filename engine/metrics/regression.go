package metrics

import (
	"fmt"
	"math"
)

// Regression metrics. Deviance is the mean residual deviance for the given
// distribution:
//
//	gaussian  mean squared error
//	poisson   2*mean(w*(y*log(y/mu) - (y-mu))), with 0*log(0) = 0
//	gamma     2*mean(w*(-log(y/mu) + (y-mu)/mu))
//	tweedie   2*mean(w*(y^(2-p)/((1-p)(2-p)) - y*mu^(1-p)/(1-p) + mu^(2-p)/(2-p)))
//
// Means are weighted: sum(w*x)/sum(w). R2 is NaN when the weighted variance
// of y is 0 (a single row, or a constant response): it is undefined there,
// and scikit-learn's 1.0-or-0.0 convention would report a number that is not
// a measurement.
type Regression struct {
	RMSE     float64 `json:"rmse"`
	MAE      float64 `json:"mae"`
	R2       float64 `json:"r2"`
	Deviance float64 `json:"deviance"` // mean residual deviance (weighted)
	NObs     int64   `json:"nobs"`
}

// ComputeRegression computes Regression from responses y, predictions pred
// and weights w (nil = all 1). distribution is "gaussian", "poisson", "gamma"
// or "tweedie"; tweediePower is read only for "tweedie", where it must be 0
// (gaussian) or at least 1 (1 is poisson, 2 gamma, 3 inverse gaussian).
// Poisson and tweedie with 1 < p < 2 need y >= 0; gamma and tweedie with
// p >= 2 need y > 0; all but gaussian need pred > 0.
func ComputeRegression(y, pred, w []float64, distribution string, tweediePower float64) (Regression, error) {
	n := len(y)
	if err := checkLen(n, "pred", len(pred)); err != nil {
		return Regression{}, err
	}
	if err := checkWeights(n, w); err != nil {
		return Regression{}, err
	}
	dev, err := newDeviance(distribution, tweediePower)
	if err != nil {
		return Regression{}, err
	}

	var sw, swy, sse, sae, sdev sum
	var nobs int64
	for i := range n {
		wi, err := weight(w, i)
		if err != nil {
			return Regression{}, err
		}
		yi, mu := y[i], pred[i]
		if wi == 0 || math.IsNaN(yi) || math.IsNaN(mu) {
			continue
		}
		d, err := dev.unit(i, yi, mu)
		if err != nil {
			return Regression{}, err
		}
		r := yi - mu
		nobs++
		sw.add(wi)
		swy.add(float64(wi * yi))
		sse.add(float64(wi * r * r))
		sae.add(float64(wi * math.Abs(r)))
		sdev.add(float64(wi * d))
	}
	if nobs == 0 {
		return Regression{}, fmt.Errorf("%w (of %d)", ErrNoRows, n)
	}

	W := sw.value()
	mean := swy.value() / W
	var sst sum
	for i := range n {
		wi, _ := weight(w, i) // checked above
		if wi == 0 || math.IsNaN(y[i]) || math.IsNaN(pred[i]) {
			continue
		}
		d := y[i] - mean
		sst.add(float64(wi * d * d))
	}
	r2 := math.NaN()
	if tot := sst.value(); tot > 0 {
		r2 = 1 - sse.value()/tot
	}
	return Regression{
		RMSE:     math.Sqrt(sse.value() / W),
		MAE:      sae.value() / W,
		R2:       r2,
		Deviance: sdev.value() / W,
		NObs:     nobs,
	}, nil
}

type family int

const (
	gaussian family = iota
	poisson
	gamma
	tweedie
)

// deviance is a unit deviance: the per-row term of the mean, factor 2 included.
type deviance struct {
	fam family
	p   float64 // tweedie power, 1 < p, p != 2
}

func newDeviance(distribution string, p float64) (deviance, error) {
	switch distribution {
	case "gaussian":
		return deviance{fam: gaussian}, nil
	case "poisson":
		return deviance{fam: poisson}, nil
	case "gamma":
		return deviance{fam: gamma}, nil
	case "tweedie":
		switch {
		case p == 0:
			return deviance{fam: gaussian}, nil
		case p == 1:
			return deviance{fam: poisson}, nil
		case p == 2:
			return deviance{fam: gamma}, nil
		case p > 1 && !math.IsInf(p, 1):
			return deviance{fam: tweedie, p: p}, nil
		}
		// 0 < p < 1 is no distribution; p < 0 would need y < 0 handled apart.
		return deviance{}, fmt.Errorf("%w: tweedie power %v, want 0 or a finite power >= 1", ErrBadValue, p)
	}
	return deviance{}, fmt.Errorf("%w: distribution %q, want gaussian, poisson, gamma or tweedie", ErrBadValue, distribution)
}

// unit checks row i's response and prediction (neither NaN) and returns its
// deviance term.
func (d deviance) unit(i int, y, mu float64) (float64, error) {
	if math.IsInf(y, 0) {
		return 0, badValue("y", i, y, "a finite response")
	}
	if math.IsInf(mu, 0) {
		return 0, badValue("pred", i, mu, "a finite prediction")
	}
	if d.fam == gaussian {
		r := y - mu
		return r * r, nil
	}
	if !(mu > 0) {
		return 0, badValue("pred", i, mu, "a mean > 0 for this distribution")
	}
	switch d.fam {
	case poisson:
		if y < 0 {
			return 0, badValue("y", i, y, "a count >= 0 for poisson")
		}
		if y == 0 {
			return 2 * mu, nil
		}
		return 2 * (float64(y*math.Log(y/mu)) - (y - mu)), nil
	case gamma:
		if !(y > 0) {
			return 0, badValue("y", i, y, "a response > 0 for gamma")
		}
		return 2 * (-math.Log(y/mu) + (y-mu)/mu), nil
	}
	p := d.p
	if p > 2 && !(y > 0) {
		return 0, badValue("y", i, y, fmt.Sprintf("a response > 0 for tweedie power %v", p))
	}
	if y < 0 {
		return 0, badValue("y", i, y, fmt.Sprintf("a response >= 0 for tweedie power %v", p))
	}
	a := math.Pow(y, 2-p) / ((1 - p) * (2 - p))
	b := float64(y*math.Pow(mu, 1-p)) / (1 - p)
	c := math.Pow(mu, 2-p) / (2 - p)
	return 2 * (a - b + c), nil
}
