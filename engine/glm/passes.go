package glm

import (
	"math"

	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/mr"
)

// Pass modes.
const (
	modeIRLS = iota // Gram, XᵀWz and the loss at Beta
	modeGrad        // the loss and its gradient at Beta (L-BFGS, lambda_max)
	modeEval        // deviance, Pearson X², log-likelihood at Beta, Gram for standard errors
)

type passArgs struct {
	Mode   int
	D      design
	Fam    family
	Beta   [][]float64 // one vector per class (multinomial) or one
	Class  int         // multinomial: the block being updated
	Bind   learn.Binding
	Folds  learn.Folds
	Phi    float64 // modeEval: dispersion for the log-likelihood
	NullMu float64 // modeEval without offset: the null model's mean
	// Start makes an IRLS pass start from μ = the family's start for each
	// row's response rather than from Beta (R's glm.fit does the same).
	Start bool
	YBar  float64
	// Wide, when set, reduces the structured Gram (wide.go) instead of G.
	Wide *wideLayout
}

// passOut are the sums of one pass. G is the upper triangle of XᵀWX
// packed row by row.
type passOut struct {
	G, B, Grad            []float64
	W, Loss, Dev, Pearson float64
	LogLik, NullDev       float64
	Rows                  int64
	WS                    *wideSums
}

func (a passOut) add(b passOut) passOut {
	if a.G == nil {
		a.G = b.G
	} else {
		addTo(a.G, b.G)
	}
	if a.B == nil {
		a.B = b.B
	} else {
		addTo(a.B, b.B)
	}
	if a.Grad == nil {
		a.Grad = b.Grad
	} else {
		addTo(a.Grad, b.Grad)
	}
	a.W += b.W
	a.Loss += b.Loss
	a.Dev += b.Dev
	a.Pearson += b.Pearson
	a.LogLik += b.LogLik
	a.NullDev += b.NullDev
	a.Rows += b.Rows
	if a.WS == nil {
		a.WS = b.WS
	} else if b.WS != nil {
		a.WS.add(*b.WS)
	}
	return a
}

func addTo(dst, src []float64) {
	for i, v := range src {
		dst[i] += v
	}
}

// packed is the index of (i, j), i <= j, in a packed upper triangle.
func packed(p, i, j int) int { return i*p - i*(i-1)/2 + (j - i) }

var passTask = mr.Register(&mr.Func[passArgs, passOut]{
	Name: "glm.pass",
	Chunk: func(a passArgs, c *mr.Chunk) (passOut, error) {
		var blk learn.Block
		a.Bind.Decode(c.Cols, &blk)
		a.Folds.Apply(c.Index, blk.W)
		p := a.D.P
		var out passOut
		if a.Mode == modeIRLS || a.Mode == modeEval {
			if a.Wide != nil {
				ws := newWideSums(a.Wide)
				out.WS = &ws
			} else {
				out.G = make([]float64, p*(p+1)/2)
			}
			out.B = make([]float64, p)
		}
		if a.Mode == modeGrad {
			out.Grad = make([]float64, p*len(a.Beta))
		}
		k := len(a.Beta)
		multi := a.Fam.Name == "multinomial"
		eta := make([]float64, k)
		prob := make([]float64, k)
		var r sparseRow
		for i := 0; i < blk.N; i++ {
			w := blk.W[i]
			y := blk.Y[i]
			if !(w > 0) || math.IsNaN(y) {
				continue
			}
			a.D.expand(&blk, i, &r)
			off := 0.0
			if blk.Off != nil && !math.IsNaN(blk.Off[i]) {
				off = blk.Off[i]
			}
			out.W += w
			out.Rows++
			if multi {
				multiRow(&a, &out, &r, w, int(y), eta, prob)
				continue
			}
			e := dot(a.Beta[0], &r) + off
			mu := a.Fam.mu(e)
			out.Loss += w * a.Fam.loss(y, mu)
			switch a.Mode {
			case modeGrad:
				// d loss/d eta = (mu - y) * dmu / V
				g := w * (mu - y) * a.Fam.dmu(e, mu) / a.Fam.variance(mu)
				for q, s := range r.Idx {
					out.Grad[s] += g * r.Val[q]
				}
				continue
			case modeEval:
				out.Dev += w * a.Fam.deviance(y, mu)
				out.Pearson += w * (y - mu) * (y - mu) / a.Fam.variance(mu)
				if a.Phi > 0 {
					out.LogLik += w * a.Fam.logLik(y, mu, a.Phi)
				}
				if !math.IsNaN(a.NullMu) {
					out.NullDev += w * a.Fam.deviance(y, a.NullMu)
				}
			}
			if a.Start {
				mu = a.Fam.muStart(y, a.YBar)
				e = a.Fam.linkFn(mu) + off
			}
			d := a.Fam.dmu(e, mu)
			wi := w * d * d / a.Fam.variance(mu)
			z := e - off + (y-mu)/d
			if out.WS != nil {
				accumulateWide(out.WS, out.B, a.Wide, &r, wi, z)
				continue
			}
			accumulate(out.G, out.B, p, &r, wi, z)
		}
		return out, nil
	},
	Reduce: func(a, b passOut) passOut { return a.add(b) },
})

// accumulate adds wi·x·xᵀ and wi·z·x for one sparse row.
func accumulate(g, b []float64, p int, r *sparseRow, wi, z float64) {
	for q, s := range r.Idx {
		v := wi * r.Val[q]
		b[s] += v * z
		row := int(s)*p - int(s)*(int(s)-1)/2 - int(s)
		for q2 := q; q2 < len(r.Idx); q2++ {
			t := r.Idx[q2]
			lo, hi := int(s), int(t)
			if lo > hi {
				g[packed(p, hi, lo)] += v * r.Val[q2]
				continue
			}
			g[row+hi] += v * r.Val[q2]
		}
	}
}

// multiRow handles one row of a multinomial pass.
func multiRow(a *passArgs, out *passOut, r *sparseRow, w float64, y int, eta, prob []float64) {
	k := len(a.Beta)
	m := math.Inf(-1)
	for c := 0; c < k; c++ {
		eta[c] = dot(a.Beta[c], r)
		m = math.Max(m, eta[c])
	}
	s := 0.0
	for c := 0; c < k; c++ {
		prob[c] = math.Exp(eta[c] - m)
		s += prob[c]
	}
	for c := 0; c < k; c++ {
		prob[c] /= s
	}
	py := math.Max(prob[y], 1e-300)
	out.Loss += -w * math.Log(py)
	switch a.Mode {
	case modeGrad:
		p := a.D.P
		for c := 0; c < k; c++ {
			yc := 0.0
			if c == y {
				yc = 1
			}
			g := w * (prob[c] - yc)
			for q, sl := range r.Idx {
				out.Grad[c*p+int(sl)] += g * r.Val[q]
			}
		}
		return
	case modeEval:
		out.Dev += -2 * w * math.Log(py)
	}
	c := a.Class
	pc := math.Min(math.Max(prob[c], 1e-10), 1-1e-10)
	yc := 0.0
	if c == y {
		yc = 1
	}
	wi := w * pc * (1 - pc)
	z := eta[c] + (yc-prob[c])/(pc*(1-pc))
	accumulate(out.G, out.B, a.D.P, r, wi, z)
}
