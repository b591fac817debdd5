package gbm

import (
	"fmt"
	"math"

	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/engine/stats"
	"github.com/mlctl/mlctl/scoring"
)

// feat is how one feature is binned: numeric by Edges (Bins = len+1, NA bin
// Bins), categorical by level code (Bins = levels, NA bin Bins).
type feat struct {
	Cat   bool
	Edges []float64
	Bins  int // bins excluding the NA bin
}

// NBins is the feature's bin count including the NA bin.
func (f feat) NBins() int { return f.Bins + 1 }

// chunkState is one training chunk's job state on its node.
type chunkState struct {
	n int
	// bins holds every row's bins row by row (nf per row): a leaf's rows are
	// scattered, and one row's bins share a cache line, where a column
	// layout would miss once per feature.
	bins []uint16
	nf   int
	y    []float64 // response: value, or class index
	w    []float64 // weight; 0 for rows left out (NA response, folds)
	F    []float64 // margins, n*K
	g, h [][]float64
	// The current tree's quantised gradient, hessian and weight (sampled
	// rows only).
	q []qrow
	// order holds the rows sorted by the leaf they are in; a tree node's
	// rows are order[start[id]:end[id]].
	order      []int32
	start, end []int32
}

// State keys: one run (a model, or one cross-validation fold's model) of a
// job keeps its chunks under "gbm/<run>/".
func runPrefix(run string) string { return "gbm/" + run + "/" }

// qrow is a row's quantised gradient, hessian and weight for the current
// tree, together so a scattered row costs one cache miss, not three.
type qrow struct{ G, H, C int32 }

func stateKey(run string, idx int) string { return fmt.Sprintf("gbm/%s/t/%d", run, idx) }
func validKey(run string, idx int) string { return fmt.Sprintf("gbm/%s/v/%d", run, idx) }

func chunkOf(run string, c *mr.Chunk) (*chunkState, error) {
	v, ok := c.State.Load(stateKey(run, c.Index))
	if !ok {
		return nil, fmt.Errorf("gbm: no training state for chunk %d on this node (was the node restarted?)", c.Index)
	}
	return v.(*chunkState), nil
}

// setup is what the first passes need to know.
type setup struct {
	Run   string
	Bind  learn.Binding
	Folds learn.Folds
	K     int // margins per row
	Dist  string
}

// sums are the response's weighted sums for the initial margin.
type sums struct {
	W, WY  float64
	ClassW []float64
}

func (s sums) add(b sums) sums {
	s.W += b.W
	s.WY += b.WY
	if s.ClassW == nil {
		s.ClassW = b.ClassW
	} else {
		for k := range b.ClassW {
			s.ClassW[k] += b.ClassW[k]
		}
	}
	return s
}

type sketchOut struct {
	Sk  []stats.Sketch // per feature (empty for categorical)
	Sum sums
}

type sketchArgs struct {
	S     setup
	IsCat []bool
}

// sketchTask summarises every numeric feature and the response.
var sketchTask = mr.Register(&mr.Func[sketchArgs, sketchOut]{
	Name: "gbm.sketch",
	Chunk: func(a sketchArgs, c *mr.Chunk) (sketchOut, error) {
		var blk learn.Block
		a.S.Bind.Decode(c.Cols, &blk)
		a.S.Folds.Apply(c.Index, blk.W)
		w := responseWeights(&blk)
		out := sketchOut{Sk: make([]stats.Sketch, len(blk.X)), Sum: sums{ClassW: make([]float64, a.S.K)}}
		for j, x := range blk.X {
			if !a.IsCat[j] {
				out.Sk[j] = stats.NewSketch(x, w)
			}
		}
		for i, wi := range w {
			if wi == 0 {
				continue
			}
			y := blk.Y[i]
			if blk.Off != nil && !math.IsNaN(blk.Off[i]) && a.S.K == 1 && a.S.Dist == "gaussian" {
				y -= blk.Off[i]
			}
			out.Sum.W += wi
			out.Sum.WY += wi * y
			if a.S.Dist == "multinomial" {
				out.Sum.ClassW[int(y)] += wi
			}
		}
		return out, nil
	},
	Reduce: func(a, b sketchOut) sketchOut {
		for j := range a.Sk {
			a.Sk[j] = stats.Merge(a.Sk[j], b.Sk[j])
		}
		a.Sum = a.Sum.add(b.Sum)
		return a
	},
})

// responseWeights zeroes the weights of rows without a response (in place).
func responseWeights(blk *learn.Block) []float64 {
	for i, y := range blk.Y {
		if math.IsNaN(y) {
			blk.W[i] = 0
		}
	}
	return blk.W
}

type binArgs struct {
	S     setup
	Feats []feat
	InitF []float64
}

// maxima are what the next tree's quantisation scales come from.
type maxima struct{ G, H, W float64 }

func (m maxima) max(b maxima) maxima {
	return maxima{math.Max(m.G, b.G), math.Max(m.H, b.H), math.Max(m.W, b.W)}
}

// binTask bins every chunk, keeps it as job state with the response,
// weights and initial margins, and computes the first gradients.
var binTask = mr.Register(&mr.Func[binArgs, maxima]{
	Name: "gbm.bin",
	Chunk: func(a binArgs, c *mr.Chunk) (maxima, error) {
		var blk learn.Block
		a.S.Bind.Decode(c.Cols, &blk)
		a.S.Folds.Apply(c.Index, blk.W)
		responseWeights(&blk)
		n := blk.N
		k := a.S.K
		nf := len(a.Feats)
		st := &chunkState{n: n, y: blk.Y, w: blk.W, F: make([]float64, n*k), bins: make([]uint16, n*nf), nf: nf}
		if a.S.Bind.Target < 0 || len(blk.Y) != n {
			return maxima{}, fmt.Errorf("gbm: chunk %d has no response", c.Index)
		}
		for j, f := range a.Feats {
			x := blk.X[j]
			for i, v := range x {
				var b uint16
				switch {
				case math.IsNaN(v):
					b = uint16(f.Bins)
				case f.Cat:
					b = uint16(v)
				default:
					b = uint16(stats.BinOf(f.Edges, v))
				}
				st.bins[i*nf+j] = b
			}
		}
		for i := 0; i < n; i++ {
			off := 0.0
			if blk.Off != nil && !math.IsNaN(blk.Off[i]) {
				off = blk.Off[i]
			}
			for c := 0; c < k; c++ {
				st.F[i*k+c] = a.InitF[c] + off
			}
		}
		st.g = make([][]float64, k)
		st.h = make([][]float64, k)
		for c := range st.g {
			st.g[c] = make([]float64, n)
			st.h[c] = make([]float64, n)
		}
		st.q = make([]qrow, n)
		st.order = make([]int32, n)
		c.State.Store(stateKey(a.S.Run, c.Index), st)
		m, _ := st.gradients(a.S.Dist, false)
		return m, nil
	},
	Reduce: func(a, b maxima) maxima { return a.max(b) },
})

// lossSums are a chunk's weighted loss sums for the scoring history.
type lossSums struct{ W, Loss, Dev, SE, Err float64 }

func (a lossSums) add(b lossSums) lossSums {
	return lossSums{a.W + b.W, a.Loss + b.Loss, a.Dev + b.Dev, a.SE + b.SE, a.Err + b.Err}
}

// gradients computes g and h of every class from the margins, and the
// rows' loss sums (row order, so each chunk's sums are deterministic).
func (st *chunkState) gradients(dist string, withLoss bool) (maxima, lossSums) {
	k := len(st.g)
	var m maxima
	var ls lossSums
	var buf [64]float64
	p := buf[:0]
	if k > len(buf) {
		p = make([]float64, 0, k)
	}
	p = p[:k]
	for i := 0; i < st.n; i++ {
		w := st.w[i]
		m.W = math.Max(m.W, w)
		if w == 0 {
			for c := 0; c < k; c++ {
				st.g[c][i], st.h[c][i] = 0, 0
			}
			continue
		}
		y := st.y[i]
		switch dist {
		case "bernoulli":
			f := st.F[i]
			pr := scoring.Sigmoid(f)
			st.g[0][i] = w * (pr - y)
			st.h[0][i] = w * math.Max(pr*(1-pr), 1e-16)
			if withLoss {
				pc := math.Min(math.Max(pr, 1e-15), 1-1e-15)
				l := -(y*math.Log(pc) + (1-y)*math.Log(1-pc))
				ls.Loss += w * l
				ls.Dev += w * 2 * l
				if (pr >= 0.5) != (y == 1) {
					ls.Err += w
				}
			}
		case "multinomial":
			scoring.Softmax(st.F[i*k:(i+1)*k], p)
			best := 0
			for c := 0; c < k; c++ {
				yc := 0.0
				if int(y) == c {
					yc = 1
				}
				st.g[c][i] = w * (p[c] - yc)
				st.h[c][i] = w * math.Max(p[c]*(1-p[c]), 1e-16)
				if p[c] > p[best] {
					best = c
				}
			}
			if withLoss {
				pc := math.Min(math.Max(p[int(y)], 1e-15), 1-1e-15)
				ls.Loss += w * -math.Log(pc)
				ls.Dev += w * -2 * math.Log(pc)
				if best != int(y) {
					ls.Err += w
				}
			}
		case "poisson":
			mu := math.Exp(st.F[i])
			st.g[0][i] = w * (mu - y)
			st.h[0][i] = w * math.Max(mu, 1e-16)
			if withLoss {
				d := -(y - mu)
				if y > 0 {
					d += y * math.Log(y/mu)
				}
				ls.Dev += w * 2 * d
				ls.SE += w * (y - mu) * (y - mu)
			}
		default: // gaussian
			r := st.F[i] - y
			st.g[0][i] = w * r
			st.h[0][i] = w
			ls.Dev += w * r * r
			ls.SE += w * r * r
		}
		ls.W += w
		for c := 0; c < k; c++ {
			m.G = math.Max(m.G, math.Abs(st.g[c][i]))
			m.H = math.Max(m.H, st.h[c][i])
		}
	}
	return m, ls
}
