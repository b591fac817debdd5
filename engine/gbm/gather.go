package gbm

import (
	"context"
	"fmt"
	"sort"

	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/scoring"
)

type gatherArgs struct {
	Run  string
	Dist string
}

// scoredChunk is one chunk's rows as the finished model scores them.
type scoredChunk struct {
	Index   int
	Y, P, W []float64
}

// gatherTask returns the training rows' outputs from the margins the nodes
// kept, so the final training metrics need no second scoring pass. (Tests
// check that they equal the scoring model's.)
var gatherTask = mr.RegisterNode(&mr.NodeFunc[gatherArgs, []scoredChunk]{
	Name: "gbm.gather",
	Run: func(ctx context.Context, a gatherArgs, local *mr.Local) ([]scoredChunk, error) {
		out := make([]scoredChunk, len(local.Indices))
		err := mr.ForEach(ctx, len(local.Indices), func(k int) error {
			c := &mr.Chunk{Index: local.Indices[k], State: local.State}
			st, err := chunkOf(a.Run, c)
			if err != nil {
				return err
			}
			kk := len(st.g)
			out[k] = collect(c.Index, st.n, st.y, st.w, st.F, kk, a.Dist)
			return nil
		})
		return out, err
	},
	Merge: func(dst *[]scoredChunk, src []scoredChunk) { *dst = append(*dst, src...) },
})

func collect(idx, n int, y, w, F []float64, k int, dist string) scoredChunk {
	width := k
	if dist == "bernoulli" {
		width = 2
	}
	sc := scoredChunk{Index: idx}
	p := make([]float64, width)
	for i := 0; i < n; i++ {
		if w[i] == 0 {
			continue
		}
		scoring.Transform(dist, F[i*k:(i+1)*k], p)
		sc.Y = append(sc.Y, y[i])
		sc.W = append(sc.W, w[i])
		sc.P = append(sc.P, p...)
	}
	return sc
}

type gatherValidArgs struct {
	Run  string
	Dist string
	K    int
}

var gatherValidTask = mr.Register(&mr.Func[gatherValidArgs, []scoredChunk]{
	Name: "gbm.gather_valid",
	Chunk: func(a gatherValidArgs, c *mr.Chunk) ([]scoredChunk, error) {
		v, ok := c.State.Load(validKey(a.Run, c.Index))
		if !ok {
			return nil, fmt.Errorf("gbm: no validation state for chunk %d", c.Index)
		}
		vs := v.(*validState)
		return []scoredChunk{collect(c.Index, vs.blk.N, vs.blk.Y, vs.blk.W, vs.F, a.K, a.Dist)}, nil
	},
	Reduce: func(a, b []scoredChunk) []scoredChunk { return append(a, b...) },
})

// concat puts chunks in index order into one learn.Scored.
func concat(cs []scoredChunk, width int) *learn.Scored {
	sort.Slice(cs, func(i, j int) bool { return cs[i].Index < cs[j].Index })
	s := &learn.Scored{Width: width}
	for _, c := range cs {
		s.Y = append(s.Y, c.Y...)
		s.P = append(s.P, c.P...)
		s.W = append(s.W, c.W...)
	}
	return s
}

// Scored returns the rows of the training (and validation) frame as the
// model trained so far scores them, from the nodes' margins. It must be
// called before Train returns (the state is dropped then), so Train calls
// it through Result.
func (g *grower) scored(ctx context.Context, vin *mr.Input) (train, valid *learn.Scored, err error) {
	width := g.k
	if g.p.Distribution == "bernoulli" {
		width = 2
	}
	cs, err := gatherTask.RunIn(ctx, g.d, g.in, gatherArgs{Run: g.run, Dist: g.p.Distribution})
	if err != nil {
		return nil, nil, err
	}
	train = concat(cs, width)
	if vin != nil && vin.Frame != nil {
		vc, err := gatherValidTask.RunIn(ctx, g.d, *vin, gatherValidArgs{Run: g.run, Dist: g.p.Distribution, K: g.k})
		if err != nil {
			return nil, nil, err
		}
		valid = concat(vc, width)
	}
	return train, valid, nil
}
