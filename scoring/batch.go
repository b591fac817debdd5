package scoring

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Batcher is a model that scores many rows at once from columns.
//
// PredictBatch scores n rows: cols holds the model's Schema.RowLen() input
// columns (Features order, then the offset), each of n values; out holds
// len(Outputs()) columns of n values, out[j][r] being output j of row r.
// The results are bit-identical to Predict on each row. PredictBatch runs
// on the calling goroutine; PredictParallel spreads rows over several.
// It panics when the columns' count or lengths do not fit the model.
type Batcher interface {
	PredictBatch(cols, out [][]float64)
}

// batchRows checks the shape of a batch and returns its row count.
func batchRows(s *Schema, nout int, cols, out [][]float64) int {
	if len(cols) != s.RowLen() {
		panic(fmt.Sprintf("scoring: %d input columns, the model takes %d", len(cols), s.RowLen()))
	}
	if len(out) != nout {
		panic(fmt.Sprintf("scoring: %d output columns, the model writes %d", len(out), nout))
	}
	return columnRows(cols, out)
}

// columnRows returns the common length of the columns, or panics naming
// the first that differs from the first column's.
func columnRows(cols, out [][]float64) int {
	all := [2][][]float64{cols, out}
	side := [2]string{"input", "output"}
	n, s0 := -1, 0
	for s, cs := range all {
		for j, c := range cs {
			if n < 0 {
				n, s0 = len(c), s
			} else if len(c) != n {
				panic(fmt.Sprintf("scoring: %s column %d has %d values, %s column 0 %d", side[s], j, len(c), side[s0], n))
			}
		}
	}
	return max(n, 0)
}

// gbmScratch is one PredictBatch call's working memory, reused through the
// plan's pool; two allocations when the pool has none to give.
type gbmScratch struct {
	blk []float64 // slots × block inputs
	acc []float64 // classes × block margins
	mg  []float64 // one row's margins
	ob  []float64 // one row's outputs
	idx [maxBlock]int32
}

func (p *gbmPlan) scratch() *gbmScratch {
	if s, ok := p.pool.Get().(*gbmScratch); ok {
		return s
	}
	k := p.src.k
	nb, na, nm := max(len(p.slots), 1)*p.block, k*p.block, k
	f := make([]float64, nb+na+nm+max(p.nout, k, 2))
	return &gbmScratch{blk: f[:nb:nb], acc: f[nb : nb+na : nb+na], mg: f[nb+na : nb+na+nm : nb+na+nm], ob: f[nb+na+nm:]}
}

// PredictBatch scores columns (see Batcher): margins as Margins adds them
// (InitF, then the trees in order, then the offset), through Transform.
func (m *GBM) PredictBatch(cols, out [][]float64) {
	p := m.plan()
	n := batchRows(&m.Schema, p.nout, cols, out)
	if n == 0 {
		return
	}
	sc := p.scratch()
	defer p.pool.Put(sc)
	k, nf, b := p.src.k, p.src.nf, p.block
	for base := 0; base < n; base += b {
		nb := min(b, n-base)
		p.load(sc.blk, cols, base, nb)
		for c := 0; c < k; c++ {
			a := sc.acc[c*b : c*b+nb]
			for r := range a {
				a[r] = m.InitF[c]
			}
		}
		for t := range p.trees {
			pt := &p.trees[t]
			a := sc.acc[(t%k)*b:][:nb]
			if pt.nodes != nil {
				pt.walk(sc.blk, a, sc.idx[:])
			} else {
				walkSlow(pt.src, cols, base, a)
			}
		}
		if p.src.offset != "" {
			for r, o := range cols[nf][base : base+nb] {
				if !math.IsNaN(o) {
					for c := 0; c < k; c++ {
						sc.acc[c*b+r] += o
					}
				}
			}
		}
		for r := 0; r < nb; r++ {
			for c := 0; c < k; c++ {
				sc.mg[c] = sc.acc[c*b+r]
			}
			Transform(p.src.dist, sc.mg, sc.ob)
			for j, o := range out {
				o[base+r] = sc.ob[j]
			}
		}
	}
}

// load copies rows [base, base+nb) of the columns the plan reads into the
// block scratch, negating the slots that serve NaN-right splits.
func (p *gbmPlan) load(blk []float64, cols [][]float64, base, nb int) {
	for s, sl := range p.slots {
		dst := blk[s*p.block:][:nb]
		src := cols[sl.feat][base:][:nb]
		if !sl.neg {
			copy(dst, src)
			continue
		}
		for i, v := range src {
			dst[i] = -v
		}
	}
}

// walkSlow routes rows [base, base+len(acc)) node by node, as Tree.Leaf.
func walkSlow(t *Tree, cols [][]float64, base int, acc []float64) {
	for r := range acc {
		i := 0
		for t.Feature[i] >= 0 {
			if t.goesLeft(i, cols[t.Feature[i]][base+r]) {
				i = int(t.Left[i])
			} else {
				i = int(t.Right[i])
			}
		}
		acc[r] += t.Value[i]
	}
}

// glmBlock is the number of rows PredictBatch sums at a time for a GLM.
const glmBlock = 256

// PredictBatch scores columns (see Batcher). Each row's linear predictor
// is summed in Eta's order (intercept, features in order, offset) and
// mapped as Predict maps it.
func (m *GLM) PredictBatch(cols, out [][]float64) {
	nout := len(m.Outputs())
	n := batchRows(&m.Schema, nout, cols, out)
	if n == 0 {
		return
	}
	k := m.etaClasses()
	buf := make([]float64, k*glmBlock+k+max(nout, k, 2))
	eta, e, o := buf[:k*glmBlock], buf[k*glmBlock:k*glmBlock+k], buf[k*glmBlock+k:]
	nf := len(m.Schema.Features)
	for base := 0; base < n; base += glmBlock {
		nb := min(glmBlock, n-base)
		for c := 0; c < k; c++ {
			acc := eta[c*glmBlock:][:nb]
			m.etaBlock(c, cols, base, acc)
			if m.Schema.Offset != "" {
				for r, v := range cols[nf][base : base+nb] {
					if !math.IsNaN(v) {
						acc[r] += v
					}
				}
			}
		}
		for r := 0; r < nb; r++ {
			for c := 0; c < k; c++ {
				e[c] = eta[c*glmBlock+r]
			}
			m.batchMean(e, o)
			for j, col := range out {
				col[base+r] = o[j]
			}
		}
	}
}

// etaBlock writes class c's linear predictor without the offset for rows
// [base, base+len(acc)), adding the terms in Eta's order.
func (m *GLM) etaBlock(c int, cols [][]float64, base int, acc []float64) {
	b := m.Beta[c]
	init := 0.0
	if m.Intercept {
		init = b[len(b)-1]
	}
	for r := range acc {
		acc[r] = init
	}
	for j, f := range m.Schema.Features {
		x := cols[j][base : base+len(acc)]
		if f.Type == Categorical {
			levels, imp, start := len(f.Domain), int(m.Impute[j]), m.Start[j]
			for r, v := range x {
				l := catCode(v, levels)
				if l < 0 {
					l = imp
				}
				if m.Intercept {
					if l == 0 {
						continue
					}
					l--
				}
				acc[r] += b[start+l]
			}
			continue
		}
		coef, imp := b[m.Start[j]], m.Impute[j]
		for r, v := range x {
			if math.IsNaN(v) {
				v = imp
			}
			acc[r] += coef * v
		}
	}
}

// batchMean maps linear predictors to outputs exactly as Predict does; keep the
// two in step (the batch tests compare them bit for bit per family).
func (m *GLM) batchMean(eta, out []float64) {
	switch m.Family {
	case "binomial":
		p := Sigmoid(eta[0])
		out[0], out[1] = 1-p, p
	case "multinomial":
		Softmax(eta, out[:len(eta)])
	default:
		out[0] = LinkInverse(m.Link, eta[0], m.LinkPower)
	}
}

// PredictParallel scores columns as m.PredictBatch does, over workers
// goroutines (GOMAXPROCS when workers <= 0; fewer when there are too few
// rows to be worth it). The rows are cut into chunks of whole blocks that
// the workers take in turn, so a worker slowed by other load on its core
// takes fewer. A panic in a worker (a batch of the wrong shape) is raised
// again in the caller.
func PredictParallel(m Batcher, cols, out [][]float64, workers int) {
	n := columnRows(cols, out)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const minRows = 4096 // per chunk; below this a goroutine costs more than it saves
	workers = max(1, min(workers, n/minRows))
	if workers == 1 {
		m.PredictBatch(cols, out)
		return
	}
	// About eight chunks per worker, of whole blocks.
	chunk := max(minRows, n/(8*workers))
	chunk = (chunk + maxBlock - 1) / maxBlock * maxBlock
	var next atomic.Int64
	width := len(cols) + len(out)
	heads := make([][]float64, workers*width)
	panics := make([]any, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		h := heads[w*width : (w+1)*width]
		wg.Go(func() {
			defer func() { panics[w] = recover() }()
			for {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				hi := min(lo+chunk, n)
				for j, c := range cols {
					h[j] = c[lo:hi:hi]
				}
				for j, c := range out {
					h[len(cols)+j] = c[lo:hi:hi]
				}
				m.PredictBatch(h[:len(cols)], h[len(cols):])
			}
		})
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
}
