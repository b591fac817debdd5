package leader

import (
	"context"
	"errors"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/jobs"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/engine/node"
)

// progressFunc reports a job's progress and message.
type progressFunc func(frac float64, msg string)

// startJob runs fn in the background as a job that a lost node or the user
// cancels.
func (l *Leader) startJob(kind, target string, fn func(ctx context.Context, p *jobs.Progress) (string, error)) api.Job {
	ctx, done := l.operation(context.Background())
	return l.jobs.Start(ctx, kind, target, func(ctx context.Context, p *jobs.Progress) (string, error) {
		defer done()
		defer l.touch()
		res, err := fn(ctx, p)
		if err != nil {
			l.log.Printf("job %s failed: %v", p.ID(), err)
			var pe *mr.PanicError
			if errors.As(err, &pe) {
				l.log.Printf("job %s: the task's stack:\n%s", p.ID(), pe.Stack)
			}
		}
		return res, err
	})
}

// endJob drops what a job kept on the nodes: its state and working frames.
func (l *Leader) endJob(id string) {
	l.mu.Lock()
	temps := l.temps[id]
	delete(l.temps, id)
	for _, f := range temps {
		delete(l.frames, f)
	}
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := &node.DropStateRequest{Job: id, Frames: temps}
	var live []int
	for i := range l.members {
		if l.lostErr(i) == nil {
			live = append(live, i)
		}
	}
	l.forAll(ctx, live, func(ctx context.Context, idx int) error {
		if err := l.call(ctx, idx, node.PathDropState, req, nil, func() error { l.self.DropState(req); return nil }); err != nil {
			l.log.Printf("dropping job %s state on node %d: %v", id, idx, err)
		}
		return nil
	})
}
