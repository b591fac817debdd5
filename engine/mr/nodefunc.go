package mr

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"sort"
)

// NodeFunc is a task that a node runs over all its chunks at once and that
// answers one partial per node. It suits sums that are exact in any order
// (fixed-point histograms, counts): Merge must be associative and
// commutative to the bit, so the node count cannot show in the result.
// Work inside Run can use ForEachWorker with per-worker scratch.
type NodeFunc[A, P any] struct {
	Name  string
	Run   func(ctx context.Context, args A, local *Local) (P, error)
	Merge func(dst *P, src P)
}

// RegisterNode makes f callable by name in this process.
func RegisterNode[A, P any](f *NodeFunc[A, P]) *NodeFunc[A, P] {
	register(f.Name, f.runner)
	return f
}

func (f *NodeFunc[A, P]) runner(ctx context.Context, req *Request, local *Local) ([]Partial, error) {
	var args A
	if err := gob.NewDecoder(bytes.NewReader(req.Args)).Decode(&args); err != nil {
		return nil, fmt.Errorf("task %s: bad arguments: %w", f.Name, err)
	}
	v, err := f.Run(ctx, args, local)
	if err != nil {
		return nil, err
	}
	return []Partial{{Lo: -1, Hi: -1, value: &v, enc: gobOf[P]}}, nil
}

// RunIn runs f on every node holding chunks of in.Frame and merges the
// answers in node order.
func (f *NodeFunc[A, P]) RunIn(ctx context.Context, ex Executor, in Input, args A) (P, error) {
	var acc P
	resps, err := dispatch(ctx, ex, f.Name, in, args)
	if err != nil {
		return acc, err
	}
	nodes := make([]int, 0, len(resps))
	for n := range resps {
		nodes = append(nodes, n)
	}
	sort.Ints(nodes)
	first := true
	for _, n := range nodes {
		for _, p := range resps[n].Partials {
			v, err := valueOf[P](&p)
			if err != nil {
				return acc, fmt.Errorf("task %s: node %d result: %w", f.Name, n, err)
			}
			if first {
				acc, first = v, false
				continue
			}
			f.Merge(&acc, v)
		}
	}
	return acc, nil
}
