package glm

import (
	"math"

	"github.com/mlctl/mlctl/scoring"
)

// family is a GLM family with its link.
type family struct {
	Name  string  // gaussian|binomial|poisson|gamma|tweedie|multinomial
	Link  string  // identity|logit|log|inverse|tweedie
	Power float64 // tweedie variance power
	LinkP float64 // tweedie link power (0 = log)
}

func canonicalLink(fam string) string {
	switch fam {
	case "binomial", "multinomial":
		return "logit"
	case "poisson", "gamma", "tweedie":
		return "log"
	}
	return "identity"
}

func (f *family) mu(eta float64) float64 {
	switch f.Link {
	case "logit":
		return scoring.Sigmoid(eta)
	case "log":
		return math.Exp(eta)
	case "inverse":
		return 1 / eta
	case "tweedie":
		return scoring.LinkInverse("tweedie", eta, f.LinkP)
	}
	return eta
}

// dmu is dμ/dη at η (μ given).
func (f *family) dmu(eta, mu float64) float64 {
	switch f.Link {
	case "logit":
		return math.Max(mu*(1-mu), 1e-300)
	case "log":
		return mu
	case "inverse":
		return -mu * mu
	case "tweedie":
		if f.LinkP == 0 {
			return mu
		}
		return math.Pow(mu, 1-f.LinkP) / f.LinkP
	}
	return 1
}

// variance is V(μ).
func (f *family) variance(mu float64) float64 {
	switch f.Name {
	case "binomial":
		return math.Max(mu*(1-mu), 1e-300)
	case "poisson":
		return mu
	case "gamma":
		return mu * mu
	case "tweedie":
		return math.Pow(mu, f.Power)
	}
	return 1
}

// loss is ℓ (the objective's per-row term, up to constants).
func (f *family) loss(y, mu float64) float64 {
	switch f.Name {
	case "binomial":
		mu = math.Min(math.Max(mu, 1e-300), 1-1e-16)
		return -(y*math.Log(mu) + (1-y)*math.Log1p(-mu))
	case "poisson":
		return mu - y*math.Log(mu)
	case "gamma":
		return y/mu + math.Log(mu)
	case "tweedie":
		p := f.Power
		return -y*math.Pow(mu, 1-p)/(1-p) + math.Pow(mu, 2-p)/(2-p)
	}
	return (y - mu) * (y - mu) / 2
}

// deviance is the unit deviance d(y, μ).
func (f *family) deviance(y, mu float64) float64 {
	switch f.Name {
	case "binomial":
		d := 0.0
		if y > 0 {
			d -= y * math.Log(mu/y)
		}
		if y < 1 {
			d -= (1 - y) * math.Log((1-mu)/(1-y))
		}
		return 2 * d
	case "poisson":
		d := mu - y
		if y > 0 {
			d += y * math.Log(y/mu)
		}
		return 2 * d
	case "gamma":
		return 2 * (-math.Log(y/mu) + (y-mu)/mu)
	case "tweedie":
		p := f.Power
		return 2 * (math.Pow(y, 2-p)/((1-p)*(2-p)) - y*math.Pow(mu, 1-p)/(1-p) + math.Pow(mu, 2-p)/(2-p))
	}
	return (y - mu) * (y - mu)
}

// validY checks a response value for the family.
func (f *family) validY(y float64) bool {
	switch f.Name {
	case "binomial":
		return y == 0 || y == 1
	case "poisson", "tweedie":
		return y >= 0
	case "gamma":
		return y > 0
	}
	return true
}

// muStart is IRLS's starting mean for a row.
func (f *family) muStart(y, ybar float64) float64 {
	switch f.Name {
	case "binomial":
		return (y + 0.5) / 2
	case "poisson", "gamma", "tweedie":
		return math.Max(y, ybar*0.1) + 0.1*ybar
	}
	return y
}

// linkFn is g(μ).
func (f *family) linkFn(mu float64) float64 {
	switch f.Link {
	case "logit":
		return math.Log(mu / (1 - mu))
	case "log":
		return math.Log(mu)
	case "inverse":
		return 1 / mu
	case "tweedie":
		if f.LinkP == 0 {
			return math.Log(mu)
		}
		return math.Pow(mu, f.LinkP)
	}
	return mu
}

// logLik is one row's log-likelihood with dispersion phi (for the AIC), as
// statsmodels defines it.
func (f *family) logLik(y, mu, phi float64) float64 {
	switch f.Name {
	case "binomial":
		mu = math.Min(math.Max(mu, 1e-300), 1-1e-16)
		return y*math.Log(mu) + (1-y)*math.Log1p(-mu)
	case "poisson":
		lg, _ := math.Lgamma(y + 1)
		return y*math.Log(mu) - mu - lg
	case "gamma":
		ws := 1 / phi
		lg, _ := math.Lgamma(ws)
		ym := y / mu
		return ws*math.Log(ws*ym) - ws*ym - lg - math.Log(y)
	case "gaussian":
		return -(y-mu)*(y-mu)/(2*phi) - 0.5*math.Log(2*math.Pi*phi)
	}
	return math.NaN()
}
