package lineage

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"slices"
	"strconv"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/engine/stats"
	"github.com/mlctl/mlctl/scoring"
)

// Bins is the number of bins of a numeric feature's or a prediction's
// baseline histogram (fewer when the column has fewer distinct values).
const Bins = 20

// ExampleRows is how many rows of the frame's first chunk the example keeps.
const ExampleRows = 5

type profileArgs struct {
	Model learn.Box
	Bind  learn.Binding
}

type chunkHash struct {
	Index int
	Sum   [32]byte
}

type partial struct {
	Hashes  []chunkHash
	Rows    int64
	Sk      []stats.Sketch // per feature (empty for a categorical one)
	Levels  [][]int64      // per categorical feature, per level
	Missing []int64        // per feature
	Pred    stats.Sketch   // regression value or p(class 1)
	Labels  []int64        // multinomial: rows per predicted class
	Example [][]string
}

var profileTask = mr.Register(&mr.Func[profileArgs, *partial]{
	Name: "lineage.profile",
	Chunk: func(a profileArgs, c *mr.Chunk) (*partial, error) {
		m := a.Model.Model()
		s := m.ModelSchema()
		var blk learn.Block
		a.Bind.Decode(c.Cols, &blk)
		p := &partial{Hashes: []chunkHash{{c.Index, hashChunk(c.Cols)}}, Rows: int64(blk.N),
			Sk: make([]stats.Sketch, len(s.Features)), Levels: make([][]int64, len(s.Features)), Missing: make([]int64, len(s.Features))}
		for j, f := range s.Features {
			x := blk.X[j]
			if f.Type == scoring.Categorical {
				p.Levels[j] = make([]int64, len(f.Domain))
				for _, v := range x {
					if math.IsNaN(v) || v < 0 || int(v) >= len(f.Domain) {
						p.Missing[j]++
					} else {
						p.Levels[j][int(v)]++
					}
				}
				continue
			}
			for _, v := range x {
				if math.IsNaN(v) {
					p.Missing[j]++
				}
			}
			p.Sk[j] = stats.NewSketch(x, nil)
		}
		row := make([]float64, s.RowLen())
		out := make([]float64, len(m.Outputs()))
		pred := make([]float64, 0, blk.N)
		k := len(s.Classes)
		if k > 2 {
			p.Labels = make([]int64, k)
		}
		for i := 0; i < blk.N; i++ {
			blk.Row(i, row)
			m.Predict(row, out)
			switch {
			case k == 0:
				pred = append(pred, out[0])
			case k == 2:
				pred = append(pred, out[1])
			default:
				p.Labels[argmax(out)]++
			}
		}
		p.Pred = stats.NewSketch(pred, nil)
		if c.Index == 0 {
			p.Example = exampleRows(s, &blk, row)
		}
		return p, nil
	},
	Reduce: func(a, b *partial) *partial {
		a.Hashes = append(a.Hashes, b.Hashes...)
		a.Rows += b.Rows
		for j := range a.Sk {
			a.Sk[j] = stats.Merge(a.Sk[j], b.Sk[j])
			for l := range a.Levels[j] {
				a.Levels[j][l] += b.Levels[j][l]
			}
			a.Missing[j] += b.Missing[j]
		}
		a.Pred = stats.Merge(a.Pred, b.Pred)
		for l := range a.Labels {
			a.Labels[l] += b.Labels[l]
		}
		if a.Example == nil {
			a.Example = b.Example
		}
		return a
	},
})

// Of profiles frame f, the frame model m was trained on.
func Of(ctx context.Context, ex mr.Executor, m scoring.Model, f *frame.Frame) (*api.ModelProfile, error) {
	b, err := learn.Bind(m.ModelSchema(), f, "", false)
	if err != nil {
		return nil, err
	}
	box, err := learn.BoxOf(m)
	if err != nil {
		return nil, err
	}
	p, err := profileTask.RunIn(ctx, ex, mr.Input{Frame: f}, profileArgs{Model: box, Bind: *b})
	if err != nil {
		return nil, err
	}
	s := m.ModelSchema()
	prof := &api.ModelProfile{Rows: p.Rows, Fingerprint: fingerprint(f, p.Hashes), Baseline: &scoring.Baseline{Rows: p.Rows}}
	for j, ft := range s.Features {
		h := scoring.Histogram{Name: ft.Name, Type: ft.Type, Missing: p.Missing[j]}
		if ft.Type == scoring.Categorical {
			h.Counts = p.Levels[j]
		} else {
			h.Edges, h.Counts = histogram(p.Sk[j])
		}
		prof.Baseline.Features = append(prof.Baseline.Features, h)
	}
	ph := &scoring.Histogram{Name: "predict", Type: scoring.Numeric}
	switch k := len(s.Classes); {
	case k > 2:
		ph.Type, ph.Counts = scoring.Categorical, p.Labels
	case k == 2:
		ph.Name = "p_" + s.Classes[1]
		fallthrough
	default:
		ph.Edges, ph.Counts = histogram(p.Pred)
	}
	prof.Baseline.Prediction = ph
	cols := make([]string, 0, s.RowLen())
	for _, ft := range s.Features {
		cols = append(cols, ft.Name)
	}
	if s.Offset != "" {
		cols = append(cols, s.Offset)
	}
	prof.Example = &scoring.Example{Columns: cols, Rows: p.Example}
	return prof, nil
}

// histogram turns a sketch into Bins bins: the edges, and the rows per bin
// (value <= Edges[i] in bin i, the rest in the last). Exact while the
// column has at most the sketch's size of distinct values, else within its
// rank error. Non-finite edges are left out, so the JSON stays numeric.
func histogram(sk stats.Sketch) ([]float64, []int64) {
	edges := slices.DeleteFunc(sk.Edges(Bins), func(e float64) bool { return math.IsInf(e, 0) })
	counts := make([]int64, len(edges)+1)
	for i, v := range sk.V {
		b, _ := slices.BinarySearch(edges, v)
		counts[b] += int64(math.Round(sk.W[i]))
	}
	return edges, counts
}

func argmax(p []float64) int {
	best := 0
	for k := 1; k < len(p); k++ {
		if p[k] > p[best] {
			best = k
		}
	}
	return best
}

// exampleRows renders the first rows of a block as a file would hold them.
func exampleRows(s *scoring.Schema, blk *learn.Block, row []float64) [][]string {
	var out [][]string
	for i := 0; i < blk.N && i < ExampleRows; i++ {
		blk.Row(i, row)
		r := make([]string, len(row))
		for j, v := range row {
			switch {
			case math.IsNaN(v):
			case j < len(s.Features) && s.Features[j].Type == scoring.Categorical:
				r[j] = s.Features[j].Domain[int(v)]
			default:
				r[j] = strconv.FormatFloat(v, 'g', -1, 64)
			}
		}
		out = append(out, r)
	}
	return out
}

// hashChunk hashes one chunk's values, all columns, in a form that does not
// depend on the chunk's encoding: float64 bits (one NaN for every NA) for
// numeric, time and categorical columns, length-prefixed bytes for strings.
func hashChunk(cols []chunk.Chunk) [32]byte {
	h := sha256.New()
	var buf []byte
	var vals []float64
	for _, c := range cols {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(c.Len()))
		if c.Encoding() == chunk.Str {
			for i := 0; i < c.Len(); i++ {
				s, ok := c.String(i)
				if !ok {
					buf = append(buf, 0)
					continue
				}
				buf = append(buf, 1)
				buf = binary.LittleEndian.AppendUint64(buf, uint64(len(s)))
				buf = append(buf, s...)
			}
		} else {
			vals = c.Floats(vals[:0])
			for _, v := range vals {
				if math.IsNaN(v) {
					v = math.NaN()
				}
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			}
		}
		h.Write(buf)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// fingerprint combines the schema and the chunk hashes in index order.
func fingerprint(f *frame.Frame, hs []chunkHash) string {
	slices.SortFunc(hs, func(a, b chunkHash) int { return a.Index - b.Index })
	h := sha256.New()
	h.Write([]byte("mlctl-frame-v1\n"))
	for _, c := range f.Columns {
		h.Write([]byte(c.Name + "\x00" + string(c.Type) + "\x00"))
		for _, l := range c.Domain {
			h.Write([]byte(l + "\x00"))
		}
		h.Write([]byte{'\n'})
	}
	for _, c := range hs {
		h.Write(c.Sum[:])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
