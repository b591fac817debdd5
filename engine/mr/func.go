package mr

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"sync"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
)

// Chunk is one chunk as a task sees it.
type Chunk struct {
	Index int           // chunk index in the frame
	Cols  []chunk.Chunk // the frame's columns
	Extra [][]chunk.Chunk
	Frame *frame.Frame
	State *JobState
	// Worker is the goroutine running this chunk, 0..Workers-1, for
	// per-worker scratch.
	Worker int
	k      int
	local  *Local
}

// Rows is the chunk's row count.
func (c *Chunk) Rows() int {
	if len(c.Cols) == 0 {
		return 0
	}
	return c.Cols[0].Len()
}

// Emit stores cols as this chunk of the task's output frame.
func (c *Chunk) Emit(cols []chunk.Chunk) { c.local.Emit(c.k, cols) }

// Func is a typed task: Chunk turns one chunk into a partial P; Reduce
// combines the partial of lower chunk indices (a) with that of higher ones
// (b) and may merge b into a in place and return a. Partials are reduced in
// a fixed tree by chunk index, first on the nodes for the subtrees they hold
// entirely, then on the leader, so the result's bits do not depend on the
// number of nodes.
type Func[A, P any] struct {
	Name   string
	Chunk  func(args A, c *Chunk) (P, error)
	Reduce func(a, b P) P
}

// Register makes f callable by name in this process; call it from package
// init (a var initialiser) so every engine process knows the same tasks.
func Register[A, P any](f *Func[A, P]) *Func[A, P] {
	register(f.Name, f.runner)
	return f
}

func (f *Func[A, P]) runner(ctx context.Context, req *Request, local *Local) ([]Partial, error) {
	var args A
	if err := gob.NewDecoder(bytes.NewReader(req.Args)).Decode(&args); err != nil {
		return nil, fmt.Errorf("task %s: bad arguments: %w", f.Name, err)
	}
	n := req.NChunks
	if n == 0 && len(local.Indices) > 0 {
		n = local.Indices[len(local.Indices)-1] + 1
	}
	spans := LocalSpans(n, local.Indices)
	ev := &evaluator[A, P]{f: f, args: args, local: local, tokens: make(chan int, Workers(len(local.Indices)))}
	for w := 0; w < cap(ev.tokens); w++ {
		ev.tokens <- w
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ev.ctx, ev.cancel = ctx, cancel
	out := make([]Partial, len(spans))
	var wg sync.WaitGroup
	for s, sp := range spans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, ok := ev.eval(sp.Lo, sp.Hi)
			if !ok {
				return
			}
			out[s] = Partial{Lo: sp.Lo, Hi: sp.Hi, value: &v, enc: gobOf[P]}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// evaluator reduces a node's subtrees as their chunks finish: left and
// right halves in parallel, at most one chunk per worker at a time, so only
// O(workers · log chunks) partials are alive at once (a wide GLM's Gram
// per chunk would otherwise take chunks × p² doubles).
type evaluator[A, P any] struct {
	f      *Func[A, P]
	args   A
	local  *Local
	tokens chan int
	ctx    context.Context
	cancel context.CancelCauseFunc
}

func (e *evaluator[A, P]) eval(lo, hi int) (P, bool) {
	var zero P
	if e.ctx.Err() != nil {
		return zero, false
	}
	if hi-lo == 1 {
		k := e.local.Position(lo)
		var w int
		select {
		case w = <-e.tokens:
		case <-e.ctx.Done():
			return zero, false
		}
		defer func() { e.tokens <- w }()
		c := &Chunk{Index: lo, Cols: e.local.Chunks[k], Frame: e.local.Frame, State: e.local.State, Worker: w, k: k, local: e.local}
		for _, x := range e.local.Extra {
			c.Extra = append(c.Extra, x[k])
		}
		var p P
		err := Protect(func() (err error) { p, err = e.f.Chunk(e.args, c); return err })
		if err != nil {
			e.cancel(fmt.Errorf("chunk %d: %w", lo, err))
			return zero, false
		}
		return p, true
	}
	mid := lo + (hi-lo)/2
	var a P
	var okA bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a, okA = e.eval(lo, mid)
	}()
	b, okB := e.eval(mid, hi)
	wg.Wait()
	if !okA || !okB {
		return zero, false
	}
	return e.f.Reduce(a, b), true
}

// Run maps f over every chunk of fr and reduces the results.
func (f *Func[A, P]) Run(ctx context.Context, ex Executor, fr *frame.Frame, args A) (P, error) {
	return f.RunIn(ctx, ex, Input{Frame: fr}, args)
}

// RunIn is Run over an Input: extra frames, job state, an output frame. A
// frame with no chunks gives the zero P.
func (f *Func[A, P]) RunIn(ctx context.Context, ex Executor, in Input, args A) (P, error) {
	var zero P
	resps, err := dispatch(ctx, ex, f.Name, in, args)
	if err != nil {
		return zero, err
	}
	n := len(in.Frame.Chunks)
	have := map[Span]P{}
	for _, r := range resps {
		for _, p := range r.Partials {
			sp := Span{p.Lo, p.Hi}
			if p.Lo < 0 || p.Hi > n || p.Lo >= p.Hi {
				return zero, fmt.Errorf("task %s: a node answered for chunks [%d,%d) of %d", f.Name, p.Lo, p.Hi, n)
			}
			if _, dup := have[sp]; dup {
				return zero, fmt.Errorf("task %s: two answers for chunks [%d,%d)", f.Name, p.Lo, p.Hi)
			}
			v, err := valueOf[P](&p)
			if err != nil {
				return zero, fmt.Errorf("task %s: chunks [%d,%d) result: %w", f.Name, p.Lo, p.Hi, err)
			}
			have[sp] = v
		}
	}
	if n == 0 {
		return zero, nil
	}
	v, ok := reduceSpans(0, n, have, f.Reduce)
	if !ok {
		return zero, fmt.Errorf("task %s: some chunks of %s got no result", f.Name, in.Frame.Name)
	}
	return v, nil
}

// dispatch sends the task to every node holding chunks of in.Frame and
// returns their answers by node; the first failure cancels the rest. Chunks
// emitted are recorded in in.Output.
func dispatch[A any](ctx context.Context, ex Executor, task string, in Input, args A) (map[int]*Response, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&args); err != nil {
		return nil, err
	}
	req := Request{Task: task, Frame: in.Frame.Name, Args: buf.Bytes(), Job: in.Job, NChunks: len(in.Frame.Chunks)}
	for _, e := range in.Extra {
		if len(e.Chunks) != len(in.Frame.Chunks) {
			return nil, fmt.Errorf("task %s: frame %s has %d chunks, %s has %d", task, e.Name, len(e.Chunks), in.Frame.Name, len(in.Frame.Chunks))
		}
		req.Extra = append(req.Extra, e.Name)
	}
	if in.Output != nil {
		out := *in.Output
		out.Chunks = nil
		req.Output = &out
		in.Output.Chunks = make([]frame.ChunkRef, len(in.Frame.Chunks))
	}
	homes := in.Frame.Homes()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	resps := make(map[int]*Response, len(homes))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, node := range homes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := req
			resp, err := ex.MapOn(ctx, node, &r)
			if err != nil {
				cancel(err)
				return
			}
			mu.Lock()
			resps[node] = resp
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	if in.Output != nil {
		seen := make([]bool, len(in.Output.Chunks))
		for node, r := range resps {
			for _, c := range r.Emitted {
				if c.Index < 0 || c.Index >= len(in.Output.Chunks) || seen[c.Index] {
					return nil, fmt.Errorf("task %s: node %d emitted chunk %d of %d twice or out of range", task, node, c.Index, len(in.Output.Chunks))
				}
				c.Home = node
				in.Output.Chunks[c.Index] = c
				seen[c.Index] = true
			}
		}
		for i, ok := range seen {
			if !ok {
				return nil, fmt.Errorf("task %s: no output for chunk %d", task, i)
			}
		}
	}
	return resps, nil
}
