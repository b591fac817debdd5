package stats

import (
	"context"
	"math"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/mr"
)

// ColStats are one column's moments over some rows. Mean and M2 (the sum of
// squared deviations) combine exactly as Chan, Golub and LeVeque describe,
// which is stable and, in the fixed reduce tree, deterministic.
type ColStats struct {
	N, NA    int64
	Min, Max float64
	Mean, M2 float64
}

// SD is the population standard deviation (divisor N), what GLM
// standardization uses; 0 for fewer than two values.
func (s ColStats) SD() float64 {
	if s.N < 2 {
		return 0
	}
	return math.Sqrt(s.M2 / float64(s.N))
}

// ChunkStats computes stats of one chunk's values (NaN = NA) in two passes.
func ChunkStats(vals []float64) ColStats {
	s := ColStats{Min: math.Inf(1), Max: math.Inf(-1)}
	var sum float64
	for _, v := range vals {
		if math.IsNaN(v) {
			s.NA++
			continue
		}
		s.N++
		sum += v
		s.Min = math.Min(s.Min, v)
		s.Max = math.Max(s.Max, v)
	}
	if s.N == 0 {
		return s
	}
	s.Mean = sum / float64(s.N)
	if math.IsInf(sum, 0) && !math.IsInf(s.Min, 0) && !math.IsInf(s.Max, 0) {
		// Finite values whose sum overflows: a running mean cannot.
		s.Mean = 0
		k := 0.0
		for _, v := range vals {
			if !math.IsNaN(v) {
				k++
				s.Mean += (v - s.Mean) / k
			}
		}
	}
	for _, v := range vals {
		if !math.IsNaN(v) {
			d := v - s.Mean
			s.M2 += d * d
		}
	}
	return s
}

// Combine merges the stats of a (lower rows) and b.
func Combine(a, b ColStats) ColStats {
	if a.N == 0 {
		b.NA += a.NA
		return b
	}
	if b.N == 0 {
		a.NA += b.NA
		return a
	}
	n := a.N + b.N
	d := b.Mean - a.Mean
	return ColStats{
		N: n, NA: a.NA + b.NA,
		Min: math.Min(a.Min, b.Min), Max: math.Max(a.Max, b.Max),
		Mean: a.Mean + d*float64(b.N)/float64(n),
		M2:   a.M2 + b.M2 + d*d*float64(a.N)*float64(b.N)/float64(n),
	}
}

type summaryArgs struct{}

// SummaryTask computes per-column stats of a frame.
var SummaryTask = mr.Register(&mr.Func[summaryArgs, []ColStats]{
	Name: "summary",
	Chunk: func(_ summaryArgs, c *mr.Chunk) ([]ColStats, error) {
		cols := c.Cols
		out := make([]ColStats, len(cols))
		var buf []float64
		for c, ch := range cols {
			if ch.Encoding() == chunk.Str {
				for i := 0; i < ch.Len(); i++ {
					if ch.IsNA(i) {
						out[c].NA++
					} else {
						out[c].N++
					}
				}
				continue
			}
			buf = ch.Floats(buf)
			out[c] = ChunkStats(buf[:ch.Len()])
		}
		return out, nil
	},
	Reduce: func(a, b []ColStats) []ColStats {
		if a == nil {
			return b
		}
		out := make([]ColStats, len(a))
		for i := range a {
			out[i] = Combine(a[i], b[i])
		}
		return out
	},
})

// Columns computes every column's stats over the cloud, reduced in the
// fixed tree (the same bits on any node count).
func Columns(ctx context.Context, ex mr.Executor, f *frame.Frame) ([]ColStats, error) {
	return SummaryTask.Run(ctx, ex, f, summaryArgs{})
}

// SummaryOf turns reduced stats into the API's summary.
func SummaryOf(f *frame.Frame, stats []ColStats) *api.Summary {
	s := &api.Summary{Name: f.Name, Rows: f.Rows()}
	for c, col := range f.Columns {
		cs := api.ColumnSummary{Name: col.Name, Type: string(col.Type)}
		var st ColStats
		if c < len(stats) {
			st = stats[c]
		}
		cs.NACount = st.NA
		switch col.Type {
		case frame.Numeric, frame.Time:
			if st.N > 0 {
				cs.Min, cs.Max, cs.Mean = ptr(st.Min), ptr(st.Max), ptr(st.Mean)
				if st.N > 1 {
					cs.SD = ptr(math.Sqrt(st.M2 / float64(st.N-1)))
				}
			}
		case frame.Categorical:
			k := int64(len(col.Domain))
			cs.Cardinality = &k
		}
		s.Columns = append(s.Columns, cs)
	}
	return s
}

func ptr(v float64) *api.Number { return api.NumberPtr(v) }
