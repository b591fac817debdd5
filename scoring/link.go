package scoring

import "math"

// Sigmoid is the logistic function, computed so that it never overflows.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Softmax writes the softmax of margins into out (max-subtracted, so large
// margins do not overflow).
func Softmax(margins, out []float64) {
	m := math.Inf(-1)
	for _, v := range margins {
		m = math.Max(m, v)
	}
	var s float64
	for k, v := range margins {
		out[k] = math.Exp(v - m)
		s += out[k]
	}
	for k := range margins {
		out[k] /= s
	}
}

// LinkInverse maps a linear predictor to the mean for a GLM link.
func LinkInverse(link string, eta, power float64) float64 {
	switch link {
	case "identity":
		return eta
	case "logit":
		return Sigmoid(eta)
	case "log":
		return math.Exp(eta)
	case "inverse":
		return 1 / eta
	case "tweedie": // power link: mu = eta^(1/power); power 0 is log
		if power == 0 {
			return math.Exp(eta)
		}
		return math.Pow(eta, 1/power)
	}
	return math.NaN()
}
