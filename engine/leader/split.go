package leader

import (
	"context"
	"fmt"
	"math"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/split"
	"github.com/mlctl/mlctl/engine/stats"
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
	outs, err := split.Frames(ctx, l, src, names, ratios, req.Seed)
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

// Summary computes a frame's column summary on the cloud.
func (l *Leader) Summary(ctx context.Context, name string) (*api.Summary, error) {
	f, ok := l.frame(name)
	if !ok {
		return nil, frameNotFound(name)
	}
	if err := l.healthy(); err != nil {
		return nil, err
	}
	ctx, done := l.operation(ctx)
	defer done()
	cs, err := stats.Columns(ctx, l, f)
	if err != nil {
		return nil, err
	}
	return stats.SummaryOf(f, cs), nil
}
