package leader

import (
	"context"
	"fmt"
	"math"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/node"
)

// Split splits a frame by row into new frames (see node.Split).
func (l *Leader) Split(ctx context.Context, req *api.SplitRequest) ([]api.FrameInfo, error) {
	src, ok := l.frame(req.Frame)
	if !ok {
		return nil, frameNotFound(req.Frame)
	}
	ratios := append([]float64(nil), req.Ratios...)
	var sum float64
	for _, r := range ratios {
		if !(r > 0) || math.IsInf(r, 0) {
			return nil, badRequest(fmt.Errorf("ratios must be positive, got %v", req.Ratios))
		}
		sum += r
	}
	if len(ratios) == 0 || sum > 1+1e-9 {
		return nil, badRequest(fmt.Errorf("ratios %v must sum to at most 1", req.Ratios))
	}
	if sum < 1-1e-9 {
		ratios = append(ratios, 1-sum) // the rest goes to one more part
	}
	names := req.Dest
	if len(names) == 0 {
		for k := range ratios {
			names = append(names, fmt.Sprintf("%s_%d", src.Name, k))
		}
	}
	if len(names) != len(ratios) {
		return nil, badRequest(fmt.Errorf("%d names for %d parts", len(names), len(ratios)))
	}
	l.mu.Lock()
	for _, n := range names {
		if !frameName.MatchString(n) {
			l.mu.Unlock()
			return nil, badRequest(fmt.Errorf("frame name %q is not valid", n))
		}
		if _, exists := l.frames[n]; exists || l.busy[n] {
			l.mu.Unlock()
			return nil, conflict(fmt.Errorf("frame %q already exists", n), "delete it first, or name the parts with --dest")
		}
	}
	for _, n := range names {
		l.busy[n] = true
	}
	l.mu.Unlock()
	defer func() {
		for _, n := range names {
			l.release(n)
		}
	}()
	if err := l.healthy(); err != nil {
		return nil, err
	}
	ctx, done := l.operation(ctx)
	defer done()
	dest := make([]frame.Frame, len(names))
	outs := make([]*frame.Frame, len(names))
	for k, n := range names {
		dest[k] = node.FilterFrame(src, n)
		f := dest[k]
		f.Chunks = make([]frame.ChunkRef, len(src.Chunks))
		outs[k] = &f
	}
	err := l.forAll(ctx, src.Homes(), func(ctx context.Context, idx int) error {
		nreq := &node.SplitRequest{Frame: src.Name, Dest: dest, Ratios: ratios, Seed: req.Seed}
		var resp *node.SplitResponse
		err := l.call(ctx, idx, node.PathSplit, nreq, &resp, func() (err error) {
			resp, err = l.self.Split(ctx, nreq)
			return err
		})
		if err != nil {
			return err
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		for k, cis := range resp.Chunks {
			for _, ci := range cis {
				outs[k].Chunks[ci.Index] = frame.ChunkRef{Index: ci.Index, Home: idx, Rows: ci.Rows, Bytes: ci.Bytes}
			}
		}
		return nil
	})
	if err != nil {
		for _, n := range names {
			l.dropFrame(context.Background(), n)
		}
		return nil, err
	}
	var infos []api.FrameInfo
	l.mu.Lock()
	for _, f := range outs {
		l.frames[f.Name] = f
		infos = append(infos, info(f))
	}
	l.mu.Unlock()
	return infos, nil
}

// DeleteFrame removes a frame from every node.
func (l *Leader) DeleteFrame(ctx context.Context, name string) error {
	if _, ok := l.frame(name); !ok {
		return frameNotFound(name)
	}
	ctx, done := l.operation(ctx)
	defer done()
	return l.dropFrame(ctx, name)
}
