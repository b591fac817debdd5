package mr

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"runtime"
	"sync"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
)

// Partial is one chunk's gob-encoded map result.
type Partial struct {
	Index int
	Data  []byte
}

// Local is what a node hands a task: its chunks of one frame.
type Local struct {
	Frame   *frame.Frame
	Indices []int           // chunk indices held here, ascending
	Chunks  [][]chunk.Chunk // Chunks[k] = all columns of chunk Indices[k]
}

// Runner is the node side of a registered task.
type Runner func(ctx context.Context, args []byte, local *Local) ([]Partial, error)

var (
	mu       sync.RWMutex
	registry = map[string]Runner{}
)

// Lookup returns the node-side runner of a task registered under name.
func Lookup(name string) (Runner, bool) {
	mu.RLock()
	defer mu.RUnlock()
	r, ok := registry[name]
	return r, ok
}

// Func is a typed task: Chunk turns one chunk into a partial P, Reduce combines
// the partial of lower chunk indices (a) with that of higher ones (b).
type Func[A, P any] struct {
	Name   string
	Chunk  func(args A, idx int, cols []chunk.Chunk, f *frame.Frame) (P, error)
	Reduce func(a, b P) P
}

// Register makes f callable by name in this process; call it from package
// init so every engine process knows the same tasks.
func Register[A, P any](f *Func[A, P]) *Func[A, P] {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[f.Name]; dup {
		panic("mr: task registered twice: " + f.Name)
	}
	registry[f.Name] = f.runner
	return f
}

// runner maps f over the local chunks with one goroutine per core.
func (f *Func[A, P]) runner(ctx context.Context, raw []byte, local *Local) ([]Partial, error) {
	var args A
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&args); err != nil {
		return nil, fmt.Errorf("task %s: bad arguments: %w", f.Name, err)
	}
	out := make([]Partial, len(local.Indices))
	err := ForEach(ctx, len(local.Indices), func(k int) error {
		p, err := f.Chunk(args, local.Indices[k], local.Chunks[k], local.Frame)
		if err != nil {
			return fmt.Errorf("chunk %d: %w", local.Indices[k], err)
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(&p); err != nil {
			return err
		}
		out[k] = Partial{Index: local.Indices[k], Data: buf.Bytes()}
		return nil
	})
	return out, err
}

// Executor runs a named task on one node and returns its partials.
type Executor interface {
	MapOn(ctx context.Context, node int, task, frame string, args []byte) ([]Partial, error)
}

// Map runs f over every chunk of fr across the cloud and returns the
// per-chunk partials in chunk order. The first node to fail cancels the rest.
func (f *Func[A, P]) Map(ctx context.Context, ex Executor, fr *frame.Frame, args A) ([]P, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&args); err != nil {
		return nil, err
	}
	homes := fr.Homes()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	results := make([][]Partial, len(homes))
	var wg sync.WaitGroup
	for i, node := range homes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ps, err := ex.MapOn(ctx, node, f.Name, fr.Name, buf.Bytes())
			if err != nil {
				cancel(err)
				return
			}
			results[i] = ps
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	out := make([]P, len(fr.Chunks))
	seen := make([]bool, len(fr.Chunks))
	for _, ps := range results {
		for _, p := range ps {
			if p.Index < 0 || p.Index >= len(out) || seen[p.Index] {
				return nil, fmt.Errorf("task %s: node answered for chunk %d twice or out of range", f.Name, p.Index)
			}
			if err := gob.NewDecoder(bytes.NewReader(p.Data)).Decode(&out[p.Index]); err != nil {
				return nil, fmt.Errorf("task %s: chunk %d result: %w", f.Name, p.Index, err)
			}
			seen[p.Index] = true
		}
	}
	for i, ok := range seen {
		if !ok {
			return nil, fmt.Errorf("task %s: no result for chunk %d (node %d)", f.Name, i, fr.Chunks[i].Home)
		}
	}
	return out, nil
}

// Run is Map followed by TreeReduce. A frame with no chunks gives the zero P.
func (f *Func[A, P]) Run(ctx context.Context, ex Executor, fr *frame.Frame, args A) (P, error) {
	ps, err := f.Map(ctx, ex, fr, args)
	if err != nil {
		var zero P
		return zero, err
	}
	return TreeReduce(ps, f.Reduce), nil
}

// TreeReduce combines ps in a fixed balanced binary tree: the left half, then
// the right half, then the two. Its shape depends only on len(ps).
func TreeReduce[P any](ps []P, reduce func(a, b P) P) P {
	switch len(ps) {
	case 0:
		var zero P
		return zero
	case 1:
		return ps[0]
	}
	mid := len(ps) / 2
	return reduce(TreeReduce(ps[:mid], reduce), TreeReduce(ps[mid:], reduce))
}

// ForEach calls fn(0..n-1) on up to GOMAXPROCS goroutines and returns the
// error of the lowest index that failed (so errors are deterministic too).
func ForEach(ctx context.Context, n int, fn func(i int) error) error {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := ctx.Err(); err != nil {
					errs[i] = context.Cause(ctx)
					continue
				}
				errs[i] = fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
