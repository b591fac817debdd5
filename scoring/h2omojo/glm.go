package h2omojo

import (
	"math"

	"github.com/mlctl/mlctl/scoring"
)

// glm imports a GLM MOJO. h2o-genmodel scores it as: missing values replaced
// by num_means / cat_modes when mean_imputation, then per class
// eta = sum of the level coefficients of the categorical features (cats of
// them, first in the row) + sum of beta * x over the numeric ones +
// intercept + offset, then the inverse link (softmax for multinomial).
func (mj *mojo) glm() (scoring.Model, error) {
	if err := mj.version(1.0); err != nil {
		return nil, err
	}
	s, err := mj.schema()
	if err != nil {
		return nil, err
	}
	family, link := mj.str("family"), mj.str("link")
	m := &scoring.GLM{Schema: s, Family: family, Link: link, Intercept: true}
	switch family {
	case "gaussian", "poisson", "gamma", "tweedie":
		switch link {
		case "identity", "log", "inverse", "logit":
		case "tweedie":
			if m.LinkPower, err = mj.float("tweedie_link_power"); err != nil {
				return nil, err
			}
		default:
			return nil, mj.unsupported("family %s with link %q (identity, log, inverse, logit and tweedie are imported)", family, link)
		}
	case "binomial":
		if link != "logit" {
			return nil, mj.unsupported("binomial with link %q (only logit is imported)", link)
		}
	case "multinomial":
		if link != "multinomial" && link != "family_default" {
			return nil, mj.unsupported("multinomial with link %q", link)
		}
		m.Link = "multinomial"
	default:
		return nil, mj.unsupported("GLM family %q; %s", family, Supported)
	}
	useAll, err := mj.bool("use_all_factor_levels", false)
	if err != nil {
		return nil, err
	}
	impute, err := mj.bool("mean_imputation", false)
	if err != nil {
		return nil, err
	}
	cats, err := mj.int("cats")
	if err != nil {
		return nil, err
	}
	nums, err := mj.int("nums")
	if err != nil {
		return nil, err
	}
	offs, err := mj.ints("cat_offsets")
	if err != nil {
		return nil, err
	}
	beta, err := mj.floats("beta")
	if err != nil {
		return nil, err
	}
	nf := len(s.Features)
	if cats < 0 || nums < 0 || cats+nums != nf {
		return nil, mj.unsupported("cats = %d and nums = %d do not make the %d features (interactions or other expansions are not imported)", cats, nums, nf)
	}
	for j, f := range s.Features {
		if (j < cats) != (f.Type == scoring.Categorical) {
			return nil, mj.malformed("feature %q: H2O puts the %d categorical features first", f.Name, cats)
		}
	}
	if len(offs) != cats+1 || offs[0] != 0 {
		return nil, mj.malformed("cat_offsets has %d entries for %d categorical features", len(offs), cats)
	}
	for j := 0; j < cats; j++ {
		want := len(s.Features[j].Domain)
		if !useAll {
			want--
		}
		if offs[j+1]-offs[j] != want {
			return nil, mj.malformed("feature %q has %d coefficients for %d levels", s.Features[j].Name, offs[j+1]-offs[j], len(s.Features[j].Domain))
		}
	}
	k := 1
	if family == "multinomial" {
		k = len(s.Classes)
	}
	p := offs[cats] + nums + 1 // slots per class in H2O's beta
	if len(beta) != k*p {
		return nil, mj.malformed("beta has %d values, %d classes of %d slots need %d", len(beta), k, p, k*p)
	}
	m.Impute = make([]float64, nf)
	if impute {
		modes, err := mj.ints("cat_modes")
		if err != nil {
			return nil, err
		}
		means, err := mj.floats("num_means")
		if err != nil {
			return nil, err
		}
		if len(modes) != cats || len(means) != nums {
			return nil, mj.malformed("%d cat_modes and %d num_means for %d and %d features", len(modes), len(means), cats, nums)
		}
		for j := 0; j < cats; j++ {
			m.Impute[j] = float64(modes[j])
		}
		copy(m.Impute[cats:], means)
	} else {
		if cats > 0 {
			return nil, mj.unsupported("missing_values_handling Skip with categorical features (h2o-genmodel fails on a missing level; this importer has no way to say so per row)")
		}
		for j := range m.Impute {
			m.Impute[j] = math.NaN() // a missing number makes the prediction NaN, as in H2O
		}
	}
	// Our layout: per categorical feature one slot per level but the first,
	// numeric features one slot each, intercept last.
	m.Start = make([]int, nf)
	slots := 0
	for j, f := range s.Features {
		m.Start[j] = slots
		if f.Type == scoring.Categorical {
			slots += len(f.Domain) - 1
		} else {
			slots++
		}
	}
	m.Beta = make([][]float64, k)
	for c := 0; c < k; c++ {
		h := beta[c*p : (c+1)*p]
		b := make([]float64, slots+1)
		icpt := h[p-1]
		for j := 0; j < cats; j++ {
			lv := h[offs[j]:offs[j+1]]
			at := b[m.Start[j]:]
			if useAll {
				// Level 0 becomes the reference: its coefficient moves into
				// the intercept, the others are taken relative to it.
				icpt += lv[0]
				for l := 1; l < len(lv); l++ {
					at[l-1] = lv[l] - lv[0]
				}
			} else {
				copy(at, lv)
			}
		}
		for i := 0; i < nums; i++ {
			b[m.Start[cats+i]] = h[offs[cats]+i]
		}
		b[slots] = icpt
		m.Beta[c] = b
	}
	return m, nil
}
