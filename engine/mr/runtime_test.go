package mr

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
)

// memCloud is an Executor over chunks held in memory by node index; every
// node but 0 sends its partials through the wire encoding, as a remote node
// does.
type memCloud struct {
	frames map[string]map[int][]chunk.Chunk // name -> chunk index -> columns
	metas  map[string]*frame.Frame
	states map[int]*States
}

func (m *memCloud) MapOn(ctx context.Context, node int, req *Request) (*Response, error) {
	run, ok := Lookup(req.Task)
	if !ok {
		return nil, fmt.Errorf("no task %s", req.Task)
	}
	local := &Local{Frame: m.metas[req.Frame]}
	for _, c := range m.metas[req.Frame].Chunks {
		if c.Home == node {
			local.Indices = append(local.Indices, c.Index)
			local.Chunks = append(local.Chunks, m.frames[req.Frame][c.Index])
		}
	}
	for _, e := range req.Extra {
		var cols [][]chunk.Chunk
		for _, idx := range local.Indices {
			cols = append(cols, m.frames[e][idx])
		}
		local.Extra = append(local.Extra, cols)
	}
	if req.Job != "" {
		if m.states[node] == nil {
			m.states[node] = NewStates()
		}
		local.State = m.states[node].Job(req.Job)
	}
	ps, err := run(ctx, req, local)
	if err != nil {
		return nil, err
	}
	if node != 0 {
		if err := Encode(ps); err != nil {
			return nil, err
		}
		for i := range ps {
			ps[i].value = nil
		}
	}
	resp := &Response{Partials: ps}
	for idx, cols := range local.Emitted() {
		resp.Emitted = append(resp.Emitted, frame.ChunkRef{Index: idx, Rows: int64(cols[0].Len())})
	}
	return resp, nil
}

// newMem makes a frame of n chunks of random values, homed by home(i).
func newMem(n int, home func(i int) int) *memCloud {
	rng := rand.New(rand.NewPCG(1, 2))
	m := &memCloud{frames: map[string]map[int][]chunk.Chunk{"x": {}, "y": {}}, metas: map[string]*frame.Frame{}, states: map[int]*States{}}
	fx := &frame.Frame{Name: "x", Columns: []frame.Column{{Name: "v", Type: frame.Numeric}}}
	fy := &frame.Frame{Name: "y", Columns: []frame.Column{{Name: "w", Type: frame.Numeric}}}
	for i := 0; i < n; i++ {
		vals := make([]float64, 50+rng.IntN(50))
		ws := make([]float64, len(vals))
		for j := range vals {
			vals[j] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(10)))
			ws[j] = float64(rng.IntN(3))
		}
		m.frames["x"][i] = []chunk.Chunk{chunk.EncodeNumeric(vals)}
		m.frames["y"][i] = []chunk.Chunk{chunk.EncodeNumeric(ws)}
		ref := frame.ChunkRef{Index: i, Home: home(i), Rows: int64(len(vals))}
		fx.Chunks = append(fx.Chunks, ref)
		fy.Chunks = append(fy.Chunks, ref)
	}
	m.metas["x"], m.metas["y"] = fx, fy
	return m
}

type noArgs struct{}

// weighted sums v·w over the frame zipped with its weights frame, emitting
// the rows whose weight is not 0.
var weighted = Register(&Func[noArgs, float64]{
	Name: "test.weighted",
	Chunk: func(_ noArgs, c *Chunk) (float64, error) {
		v := c.Cols[0].Floats(nil)
		w := c.Extra[0][0].Floats(nil)
		s := 0.0
		var keep []float64
		for i := range v[:c.Rows()] {
			s += v[i] * w[i]
			if w[i] != 0 {
				keep = append(keep, v[i])
			}
		}
		c.Emit([]chunk.Chunk{chunk.EncodeNumeric(keep)})
		return s, nil
	},
	Reduce: func(a, b float64) float64 { return a + b },
})

// The sum is the same bits whether one node holds every chunk, three hold
// contiguous runs, or chunks are dealt round-robin (no complete subtree but
// single chunks on a node), and it equals the leader-only tree reduction.
func TestNodeSideReductionIsBitIdentical(t *testing.T) {
	const n = 37
	homes := map[string]func(int) int{
		"one node":    func(int) int { return 0 },
		"contiguous":  func(i int) int { return i * 3 / n },
		"round robin": func(i int) int { return i % 3 },
	}
	var want float64
	{
		m := newMem(n, homes["one node"])
		per := make([]float64, n)
		for i := 0; i < n; i++ {
			v := m.frames["x"][i][0].Floats(nil)
			w := m.frames["y"][i][0].Floats(nil)
			for j := range v[:m.frames["x"][i][0].Len()] {
				per[i] += v[j] * w[j]
			}
		}
		want = TreeReduce(per, func(a, b float64) float64 { return a + b })
	}
	for name, home := range homes {
		m := newMem(n, home)
		out := &frame.Frame{Name: "kept", Columns: m.metas["x"].Columns}
		got, err := weighted.RunIn(context.Background(), m, Input{Frame: m.metas["x"], Extra: []*frame.Frame{m.metas["y"]}, Output: out}, noArgs{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("%s: %v, want %v (bits differ)", name, got, want)
		}
		if len(out.Chunks) != n || out.Chunks[5].Home != home(5) || out.Chunks[5].Rows > m.metas["x"].Chunks[5].Rows {
			t.Errorf("%s: emitted frame %+v", name, out.Chunks[5])
		}
	}
}

func TestLocalSpansAreMaximalSubtrees(t *testing.T) {
	got := LocalSpans(5, []int{0, 1, 2, 3, 4})
	if len(got) != 1 || got[0] != (Span{0, 5}) {
		t.Errorf("all local: %v", got)
	}
	// The tree over 5 is ((0 1)(2 (3 4))): holding 2, 3, 4 is one subtree.
	got = LocalSpans(5, []int{2, 3, 4})
	if len(got) != 1 || got[0] != (Span{2, 5}) {
		t.Errorf("right half: %v", got)
	}
	got = LocalSpans(5, []int{1, 2, 3})
	if fmt.Sprint(got) != "[{1 2} {2 3} {3 4}]" {
		t.Errorf("middle: %v", got)
	}
	if got := LocalSpans(8, nil); len(got) != 0 {
		t.Errorf("nothing held: %v", got)
	}
}

var counted = RegisterNode(&NodeFunc[noArgs, []int64]{
	Name: "test.count",
	Run: func(ctx context.Context, _ noArgs, local *Local) ([]int64, error) {
		seen, _ := local.State.LoadOrMake("runs", func() any { return new(int64) }).(*int64)
		*seen++
		var n int64
		for _, cs := range local.Chunks {
			n += int64(cs[0].Len())
		}
		return []int64{n, *seen}, nil
	},
	Merge: func(dst *[]int64, src []int64) {
		(*dst)[0] += src[0]
		(*dst)[1] += src[1]
	},
})

// A node task's answers merge exactly, and job state lives on across passes.
func TestNodeFuncAndJobState(t *testing.T) {
	m := newMem(10, func(i int) int { return i % 2 })
	in := Input{Frame: m.metas["x"], Job: "j1"}
	var rows int64
	for _, c := range m.metas["x"].Chunks {
		rows += c.Rows
	}
	for pass := int64(1); pass <= 3; pass++ {
		got, err := counted.RunIn(context.Background(), m, in, noArgs{})
		if err != nil {
			t.Fatal(err)
		}
		if got[0] != rows || got[1] != 2*pass {
			t.Fatalf("pass %d: %v, want [%d %d]", pass, got, rows, 2*pass)
		}
	}
}

var panicky = Register(&Func[noArgs, int]{
	Name:   "test.panic",
	Chunk:  func(noArgs, *Chunk) (int, error) { var m map[string]int; m["x"] = 1; return 0, nil },
	Reduce: func(a, b int) int { return a + b },
})

func TestPanicInTaskIsAnError(t *testing.T) {
	m := newMem(4, func(int) int { return 0 })
	_, err := panicky.Run(context.Background(), m, m.metas["x"], noArgs{})
	if err == nil {
		t.Fatal("no error from a panicking task")
	}
}
