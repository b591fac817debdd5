package split

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/mr"
)

// Args select the rows of one part: those whose draw falls in part Part of
// the cumulative ratios Cum.
type Args struct {
	Cum  []float64
	Seed int64
	Part int
}

// Info is the rows kept per chunk (for the caller's check).
type Info struct{ Rows int64 }

// Task emits, for every chunk, the rows that go to one part. The draw is
// seeded from (seed, chunk index), so the split is the same whatever the
// number of nodes.
var Task = mr.Register(&mr.Func[Args, Info]{
	Name: "split",
	Chunk: func(a Args, c *mr.Chunk) (Info, error) {
		assign := Assign(c.Rows(), c.Index, a.Seed, a.Cum)
		keep := make([]int, 0, len(assign))
		for i, o := range assign {
			if int(o) == a.Part {
				keep = append(keep, i)
			}
		}
		c.Emit(Gather(c.Cols, keep))
		return Info{Rows: int64(len(keep))}, nil
	},
	Reduce: func(a, b Info) Info { a.Rows += b.Rows; return a },
})

// Frames splits src into len(ratios) frames named names on the cloud, one
// pass per part, and returns them (not yet registered with the leader).
func Frames(ctx context.Context, ex mr.Executor, src *frame.Frame, names []string, ratios []float64, seed int64) ([]*frame.Frame, error) {
	cum := make([]float64, len(ratios))
	var s float64
	for i, r := range ratios {
		s += r
		cum[i] = s
	}
	cum[len(cum)-1] = 1 // rounding must not leave rows unassigned
	var out []*frame.Frame
	for part, name := range names {
		f := &frame.Frame{Name: name, Columns: src.Columns, Source: "split of " + src.Name, Sources: src.Sources}
		if _, err := Task.RunIn(ctx, ex, mr.Input{Frame: src, Output: f}, Args{Cum: cum, Seed: seed, Part: part}); err != nil {
			return out, fmt.Errorf("split part %d (%s): %w", part, name, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// Assign returns, for each row of a chunk, the part it goes to.
func Assign(rows, chunkIndex int, seed int64, cum []float64) []uint8 {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(chunkIndex)))
	out := make([]uint8, rows)
	for i := range out {
		u := rng.Float64()
		o := 0
		for o < len(cum)-1 && u >= cum[o] {
			o++
		}
		out[i] = uint8(o)
	}
	return out
}

// Gather returns new chunks holding rows keep (ascending) of cols.
func Gather(cols []chunk.Chunk, keep []int) []chunk.Chunk {
	out := make([]chunk.Chunk, len(cols))
	var vals []float64
	part := make([]float64, 0, len(keep))
	for c, ch := range cols {
		if ch.Encoding() == chunk.Str {
			strs := make([]string, len(keep))
			nas := make([]bool, len(keep))
			for j, i := range keep {
				s, ok := ch.String(i)
				strs[j], nas[j] = s, !ok
			}
			out[c] = chunk.EncodeStrings(strs, nas)
			continue
		}
		vals = ch.Floats(vals)
		part = part[:0]
		for _, i := range keep {
			part = append(part, vals[i])
		}
		out[c] = chunk.EncodeNumeric(part)
	}
	return out
}
