package glm

import (
	"math"

	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/scoring"
)

// design lays the features out as coefficient slots, in the scoring
// layout: features in order (a numeric feature one slot, a categorical one
// per level but the reference), the intercept last.
type design struct {
	IsCat     []bool
	Levels    []int
	Start     []int
	Mean, SD  []float64 // numeric: standardization (SD 1 and, without intercept, Mean 0 when not centering)
	Impute    []float64 // numeric: the mean; categorical: the mode's code
	P         int
	Intercept bool
	Std       bool
	Center    bool // subtract the mean when standardizing (only with an intercept)
	// Only makes the design the intercept alone (the null model).
	Only bool
}

// interceptOnly is the null model's design: slot 0 the intercept.
func interceptOnly(nf int) *design {
	d := &design{P: 1, Intercept: true, Only: true}
	for j := 0; j < nf; j++ {
		d.IsCat = append(d.IsCat, false)
		d.Levels = append(d.Levels, 0)
		d.Start = append(d.Start, 0)
		d.Mean = append(d.Mean, 0)
		d.SD = append(d.SD, 1)
		d.Impute = append(d.Impute, 0)
	}
	return d
}

func newDesign(fs []scoring.Feature, intercept, std bool) *design {
	d := &design{Intercept: intercept, Std: std, Center: intercept}
	for _, f := range fs {
		d.Start = append(d.Start, d.P)
		cat := f.Type == scoring.Categorical
		d.IsCat = append(d.IsCat, cat)
		d.Levels = append(d.Levels, len(f.Domain))
		d.Mean = append(d.Mean, 0)
		d.SD = append(d.SD, 1)
		d.Impute = append(d.Impute, 0)
		switch {
		case !cat:
			d.P++
		case intercept:
			d.P += max(len(f.Domain)-1, 0)
		default:
			d.P += len(f.Domain)
		}
	}
	if intercept {
		d.P++
	}
	return d
}

// sparseRow is one row's non-zero design entries.
type sparseRow struct {
	Idx []int32
	Val []float64
}

// expand fills r with row i of blk on the solver's scale.
func (d *design) expand(blk *learn.Block, i int, r *sparseRow) {
	r.Idx, r.Val = r.Idx[:0], r.Val[:0]
	if d.Only {
		r.Idx = append(r.Idx, 0)
		r.Val = append(r.Val, 1)
		return
	}
	for j, x := range blk.X {
		v := x[i]
		if d.IsCat[j] {
			c := -1
			if !math.IsNaN(v) && v >= 0 && int(v) < d.Levels[j] {
				c = int(v)
			} else {
				c = int(d.Impute[j])
			}
			if d.Intercept {
				if c == 0 {
					continue
				}
				c--
			}
			r.Idx = append(r.Idx, int32(d.Start[j]+c))
			r.Val = append(r.Val, 1)
			continue
		}
		if math.IsNaN(v) {
			v = d.Impute[j]
		}
		if d.Std {
			if d.Center {
				v -= d.Mean[j]
			}
			v /= d.SD[j]
		}
		r.Idx = append(r.Idx, int32(d.Start[j]))
		r.Val = append(r.Val, v)
	}
	if d.Intercept {
		r.Idx = append(r.Idx, int32(d.P-1))
		r.Val = append(r.Val, 1)
	}
}

// dot is βᵀx for a sparse row.
func dot(beta []float64, r *sparseRow) float64 {
	s := 0.0
	for k, i := range r.Idx {
		s += beta[i] * r.Val[k]
	}
	return s
}

// names returns each slot's coefficient name: col, col.level, Intercept.
func (d *design) names(fs []scoring.Feature) []string {
	out := make([]string, d.P)
	for j, f := range fs {
		if !d.IsCat[j] {
			out[d.Start[j]] = f.Name
			continue
		}
		first := 0
		if d.Intercept {
			first = 1
		}
		for c := first; c < len(f.Domain); c++ {
			out[d.Start[j]+c-first] = f.Name + "." + f.Domain[c]
		}
	}
	if d.Intercept {
		out[d.P-1] = "Intercept"
	}
	return out
}

// toOriginal maps solver-scale coefficients to the original scale.
func (d *design) toOriginal(b []float64) []float64 {
	out := append([]float64(nil), b...)
	if !d.Std {
		return out
	}
	shift := 0.0
	for j := range d.IsCat {
		if d.IsCat[j] {
			continue
		}
		s := d.Start[j]
		out[s] = b[s] / d.SD[j]
		if d.Center {
			shift += out[s] * d.Mean[j]
		}
	}
	if d.Intercept {
		out[d.P-1] = b[d.P-1] - shift
	}
	return out
}

// toStandard maps original-scale coefficients to the standardized scale
// (with the training means and sds, whether or not the fit standardized).
func (d *design) toStandard(b []float64) []float64 {
	mean, sd := d.Mean, d.SD
	out := append([]float64(nil), b...)
	shift := 0.0
	for j := range d.IsCat {
		if d.IsCat[j] {
			continue
		}
		s := d.Start[j]
		out[s] = b[s] * sd[j]
		if d.Center {
			shift += b[s] * mean[j]
		}
	}
	if d.Intercept {
		out[d.P-1] = b[d.P-1] + shift
	}
	return out
}

// penalized reports whether slot s carries the penalty.
func (d *design) penalized(s int) bool { return !d.Intercept || s != d.P-1 }

// fromOriginal maps original-scale coefficients back to the solver's scale:
// the standardized scale when the fit standardized, else unchanged.
func (d *design) fromOriginal(b []float64) []float64 {
	if !d.Std {
		return append([]float64(nil), b...)
	}
	return d.toStandard(b)
}
