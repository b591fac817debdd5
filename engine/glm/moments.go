package glm

import (
	"context"
	"math"

	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/mr"
)

type momentArgs struct {
	Bind  learn.Binding
	Folds learn.Folds
	IsCat []bool
	Mean  []float64 // nil on the first pass
	K     int       // classes of a multinomial response (0 = none)
}

// moments are weighted sums over the rows a fit uses (positive weight,
// response present): per feature Σw, Σw·x (or Σw·(x-mean)² on the second
// pass) over non-missing values, and level weights of categoricals.
type moments struct {
	W, WX  []float64
	Levels [][]float64
	WY, SW float64
	ClassW []float64
}

var momentTask = mr.Register(&mr.Func[momentArgs, moments]{
	Name: "glm.moments",
	Chunk: func(a momentArgs, c *mr.Chunk) (moments, error) {
		var blk learn.Block
		a.Bind.Decode(c.Cols, &blk)
		a.Folds.Apply(c.Index, blk.W)
		nf := len(blk.X)
		m := moments{W: make([]float64, nf), WX: make([]float64, nf), Levels: make([][]float64, nf), ClassW: make([]float64, a.K)}
		for j, x := range blk.X {
			if a.IsCat[j] && a.Mean == nil {
				m.Levels[j] = make([]float64, 0)
				mx := 0
				for _, v := range x {
					if !math.IsNaN(v) && int(v) >= mx {
						mx = int(v) + 1
					}
				}
				m.Levels[j] = make([]float64, mx)
			}
		}
		for i := 0; i < blk.N; i++ {
			w := blk.W[i]
			if !(w > 0) || math.IsNaN(blk.Y[i]) {
				continue
			}
			m.SW += w
			m.WY += w * blk.Y[i]
			if a.K > 0 {
				m.ClassW[int(blk.Y[i])] += w
			}
			for j, x := range blk.X {
				v := x[i]
				if math.IsNaN(v) {
					continue
				}
				if a.IsCat[j] {
					if a.Mean == nil {
						m.Levels[j][int(v)] += w
					}
					continue
				}
				m.W[j] += w
				if a.Mean == nil {
					m.WX[j] += w * v
				} else {
					d := v - a.Mean[j]
					m.WX[j] += w * d * d
				}
			}
		}
		return m, nil
	},
	Reduce: func(a, b moments) moments {
		addTo(a.W, b.W)
		addTo(a.WX, b.WX)
		for j := range a.Levels {
			if len(b.Levels[j]) > len(a.Levels[j]) {
				a.Levels[j], b.Levels[j] = b.Levels[j], a.Levels[j]
			}
			addTo(a.Levels[j], b.Levels[j])
		}
		a.SW += b.SW
		a.WY += b.WY
		addTo(a.ClassW, b.ClassW)
		return a
	},
})

// standardize fills the design's means, sds and imputation values from two
// weighted passes, and returns the weighted mean response and total weight.
func standardize(ctx context.Context, ex mr.Executor, in mr.Input, d *design, b learn.Binding, folds learn.Folds, k int) (ybar, sw float64, classW []float64, err error) {
	args := momentArgs{Bind: b, Folds: folds, IsCat: d.IsCat, K: k}
	m1, err := momentTask.RunIn(ctx, ex, in, args)
	if err != nil {
		return 0, 0, nil, err
	}
	if !(m1.SW > 0) {
		return 0, 0, nil, learn.Bad("", "no rows with a response and a positive weight to fit on")
	}
	mean := make([]float64, len(d.IsCat))
	for j := range mean {
		if !d.IsCat[j] && m1.W[j] > 0 {
			mean[j] = m1.WX[j] / m1.W[j]
		}
	}
	args.Mean = mean
	m2, err := momentTask.RunIn(ctx, ex, in, args)
	if err != nil {
		return 0, 0, nil, err
	}
	for j := range d.IsCat {
		if d.IsCat[j] {
			best := 0
			for c, w := range m1.Levels[j] {
				if w > m1.Levels[j][best] {
					best = c
				}
			}
			d.Impute[j] = float64(best)
			continue
		}
		d.Impute[j] = mean[j]
		sd := 0.0
		if m1.W[j] > 0 {
			sd = math.Sqrt(m2.WX[j] / m1.W[j])
		}
		if sd == 0 {
			sd = 1 // a constant column: nothing to scale
		}
		d.Mean[j], d.SD[j] = mean[j], sd
	}
	return m1.WY / m1.SW, m1.SW, m1.ClassW, nil
}
