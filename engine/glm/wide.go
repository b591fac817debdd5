package glm

import "math"

// A design dominated by one high-cardinality categorical (a 4,000-level
// column) has a Gram with structure: that column's indicators are mutually
// exclusive, so their block of XᵀWX is diagonal. The pass then reduces the
// diagonal D, the |D|×|R| block against the other slots and the small dense
// R block, instead of a full p² matrix (128 MB at p = 4,000), and the
// solve goes through the Schur complement in O(|D|·|R|²).

// wideMin is the fewest indicators that make a categorical the diagonal
// block (below it the dense Gram is small and its accumulation faster).
const wideMin = 1000

// wideLayout splits the slots into the diagonal block D (one categorical's
// indicators, slots [DLo, DHi)) and the rest R, in slot order.
type wideLayout struct {
	DLo, DHi int
	R        []int // slot of each R index
	RIdx     []int // R index of each slot, -1 for D slots
}

func (w *wideLayout) nd() int { return w.DHi - w.DLo }
func (w *wideLayout) nr() int { return len(w.R) }

// chooseWide picks the categorical with the most indicators when it has at
// least wideMin, else nil.
func chooseWide(d *design) *wideLayout {
	best, bestN := -1, 0
	for j, cat := range d.IsCat {
		if !cat {
			continue
		}
		n := d.Levels[j]
		if d.Intercept {
			n--
		}
		if n > bestN {
			best, bestN = j, n
		}
	}
	if best < 0 || bestN < wideMin {
		return nil
	}
	w := &wideLayout{DLo: d.Start[best], DHi: d.Start[best] + bestN, RIdx: make([]int, d.P)}
	for s := 0; s < d.P; s++ {
		if s >= w.DLo && s < w.DHi {
			w.RIdx[s] = -1
			continue
		}
		w.RIdx[s] = len(w.R)
		w.R = append(w.R, s)
	}
	return w
}

// wideSums are the structured Gram's parts.
type wideSums struct {
	D  []float64 // diagonal of the D block
	DR []float64 // D×R block, row-major
	RR []float64 // packed upper triangle of the R block
}

func newWideSums(w *wideLayout) wideSums {
	nr := w.nr()
	return wideSums{D: make([]float64, w.nd()), DR: make([]float64, w.nd()*nr), RR: make([]float64, nr*(nr+1)/2)}
}

func (a *wideSums) add(b wideSums) {
	addTo(a.D, b.D)
	addTo(a.DR, b.DR)
	addTo(a.RR, b.RR)
}

// accumulateWide adds wi·x·xᵀ into the structured Gram and wi·z·x into b.
func accumulateWide(ws *wideSums, b []float64, w *wideLayout, r *sparseRow, wi, z float64) {
	nr := w.nr()
	dIdx, dVal := -1, 0.0
	for q, s := range r.Idx {
		b[s] += wi * r.Val[q] * z
		if ri := w.RIdx[s]; ri < 0 {
			dIdx, dVal = int(s)-w.DLo, r.Val[q]
		}
	}
	if dIdx >= 0 {
		ws.D[dIdx] += wi * dVal * dVal
		row := ws.DR[dIdx*nr : (dIdx+1)*nr]
		for q, s := range r.Idx {
			if ri := w.RIdx[s]; ri >= 0 {
				row[ri] += wi * dVal * r.Val[q]
			}
		}
	}
	for q, s := range r.Idx {
		ri := w.RIdx[s]
		if ri < 0 {
			continue
		}
		v := wi * r.Val[q]
		for q2 := q; q2 < len(r.Idx); q2++ {
			rj := w.RIdx[r.Idx[q2]]
			if rj < 0 {
				continue
			}
			lo, hi := ri, rj
			if lo > hi {
				lo, hi = hi, lo
			}
			ws.RR[packed(nr, lo, hi)] += v * r.Val[q2]
		}
	}
}

// wideSolve solves (scale·G + l2·I') β = scale·b with the structured Gram,
// and returns with β the diagonal of that matrix's inverse and its R×R
// block (S⁻¹), which standard errors need.
func wideSolve(ws *wideSums, bfull []float64, w *wideLayout, d *design, scale, l2 float64, names []string, withInverse bool) ([]float64, []float64, [][]float64, error) {
	nd, nr := w.nd(), w.nr()
	dg := make([]float64, nd)
	for i := range dg {
		dg[i] = ws.D[i] * scale
		if dg[i] == 0 {
			dg[i] = math.Inf(1) // a level no training row has: coefficient 0
			continue
		}
		if d.penalized(w.DLo + i) {
			dg[i] += l2
		}
		if !(dg[i] > 0) {
			return nil, nil, nil, &SingularError{Column: names[w.DLo+i]}
		}
	}
	// Schur complement S = R − DRᵀ diag(1/dg) DR, and the right side.
	s := make([][]float64, nr)
	for i := range s {
		s[i] = make([]float64, nr)
		for j := 0; j < nr; j++ {
			lo, hi := min(i, j), max(i, j)
			s[i][j] = ws.RR[packed(nr, lo, hi)] * scale
		}
		if d.penalized(w.R[i]) {
			s[i][i] += l2
		}
	}
	rhs := make([]float64, nr)
	for i, sl := range w.R {
		rhs[i] = bfull[sl] * scale
	}
	for k := 0; k < nd; k++ {
		row := ws.DR[k*nr : (k+1)*nr]
		inv := scale * scale / dg[k]
		bk := bfull[w.DLo+k] * scale
		for i := 0; i < nr; i++ {
			if row[i] == 0 {
				continue
			}
			ri := row[i] * inv
			for j := i; j < nr; j++ {
				s[i][j] -= ri * row[j]
			}
			rhs[i] -= row[i] * scale * bk / dg[k]
		}
	}
	for i := 0; i < nr; i++ {
		for j := 0; j < i; j++ {
			s[i][j] = s[j][i]
		}
	}
	if j, ok := cholesky(s); !ok {
		return nil, nil, nil, &SingularError{Column: names[w.R[j]]}
	}
	betaR := cholSolve(s, rhs)
	beta := make([]float64, d.P)
	for i, sl := range w.R {
		beta[sl] = betaR[i]
	}
	for k := 0; k < nd; k++ {
		row := ws.DR[k*nr : (k+1)*nr]
		t := bfull[w.DLo+k] * scale
		for i := 0; i < nr; i++ {
			t -= row[i] * scale * betaR[i]
		}
		beta[w.DLo+k] = t / dg[k]
	}
	if !withInverse {
		return beta, nil, nil, nil
	}
	// Diagonal of the inverse: R from S⁻¹; D from 1/dg + (DR S⁻¹ DRᵀ)_kk / dg².
	sinv := cholInverse(s)
	diag := make([]float64, d.P)
	for i, sl := range w.R {
		diag[sl] = sinv[i][i]
	}
	tmp := make([]float64, nr)
	for k := 0; k < nd; k++ {
		row := ws.DR[k*nr : (k+1)*nr]
		for i := range tmp {
			t := 0.0
			for j := 0; j < nr; j++ {
				t += sinv[i][j] * row[j] * scale
			}
			tmp[i] = t
		}
		q := 0.0
		for i := 0; i < nr; i++ {
			q += row[i] * scale * tmp[i]
		}
		diag[w.DLo+k] = 1/dg[k] + q/(dg[k]*dg[k])
	}
	return beta, diag, sinv, nil
}
