package gbm

import (
	"fmt"
	"math"

	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/scoring"
)

// validState is a validation chunk's decoded rows and margins.
type validState struct {
	blk learn.Block
	F   []float64
}

type validArgs struct {
	Run    string
	Init   bool // decode and set the initial margins
	Bind   learn.Binding
	InitF  []float64
	Trees  []scoring.Tree // the iteration's trees, one per class
	Dist   string
	Gather bool // also return probabilities for AUC
}

// validOut is the validation loss, and with Gather the rows for AUC.
type validOut struct {
	L       lossSums
	Y, P, W []float64
}

// validTask scores the validation frame incrementally: each iteration adds
// its trees to the kept margins, then the loss is summed per chunk in row
// order and reduced in the fixed tree.
var validTask = mr.Register(&mr.Func[validArgs, validOut]{
	Name: "gbm.valid",
	Chunk: func(a validArgs, c *mr.Chunk) (validOut, error) {
		k := len(a.InitF)
		var vs *validState
		if a.Init {
			vs = &validState{}
			a.Bind.Decode(c.Cols, &vs.blk)
			responseWeights(&vs.blk)
			vs.F = make([]float64, vs.blk.N*k)
			for i := 0; i < vs.blk.N; i++ {
				off := 0.0
				if vs.blk.Off != nil && !math.IsNaN(vs.blk.Off[i]) {
					off = vs.blk.Off[i]
				}
				for c := 0; c < k; c++ {
					vs.F[i*k+c] = a.InitF[c] + off
				}
			}
			c.State.Store(validKey(a.Run, c.Index), vs)
		} else {
			v, ok := c.State.Load(validKey(a.Run, c.Index))
			if !ok {
				return validOut{}, fmt.Errorf("gbm: no validation state for chunk %d", c.Index)
			}
			vs = v.(*validState)
		}
		blk := &vs.blk
		row := make([]float64, len(blk.X)+1)
		if len(a.Trees) > 0 {
			for i := 0; i < blk.N; i++ {
				blk.Row(i, row)
				for t := range a.Trees {
					tr := &a.Trees[t]
					vs.F[i*k+t] += tr.Value[tr.Leaf(row)]
				}
			}
		}
		var out validOut
		p := make([]float64, max(k, 2))
		for i := 0; i < blk.N; i++ {
			w := blk.W[i]
			if w == 0 {
				continue
			}
			y := blk.Y[i]
			scoring.Transform(a.Dist, vs.F[i*k:(i+1)*k], p)
			out.L = out.L.add(rowLoss(a.Dist, y, w, p, k))
			if a.Gather {
				out.Y = append(out.Y, y)
				out.P = append(out.P, p[1])
				out.W = append(out.W, w)
			}
		}
		return out, nil
	},
	Reduce: func(a, b validOut) validOut {
		a.L = a.L.add(b.L)
		a.Y = append(a.Y, b.Y...)
		a.P = append(a.P, b.P...)
		a.W = append(a.W, b.W...)
		return a
	},
})

// rowLoss is one row's contribution to the history's sums, from the
// model's outputs p (probabilities, or the mean for regression).
func rowLoss(dist string, y, w float64, p []float64, k int) lossSums {
	ls := lossSums{W: w}
	switch dist {
	case "bernoulli":
		pc := math.Min(math.Max(p[1], 1e-15), 1-1e-15)
		l := -(y*math.Log(pc) + (1-y)*math.Log(1-pc))
		ls.Loss, ls.Dev = w*l, 2*w*l
		if (p[1] >= 0.5) != (y == 1) {
			ls.Err = w
		}
	case "multinomial":
		best := 0
		for c := 1; c < k; c++ {
			if p[c] > p[best] {
				best = c
			}
		}
		pc := math.Min(math.Max(p[int(y)], 1e-15), 1-1e-15)
		ls.Loss, ls.Dev = -w*math.Log(pc), -2*w*math.Log(pc)
		if best != int(y) {
			ls.Err = w
		}
	case "poisson":
		mu := p[0]
		d := -(y - mu)
		if y > 0 {
			d += y * math.Log(y/mu)
		}
		ls.Dev = 2 * w * d
		ls.SE = w * (y - mu) * (y - mu)
	default:
		r := y - p[0]
		ls.Dev, ls.SE = w*r*r, w*r*r
	}
	return ls
}
