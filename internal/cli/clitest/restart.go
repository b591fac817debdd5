package clitest

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/launcher"
)

// Restart implements launcher.Restarter: an ended cluster becomes running
// with the spec's sizes and limits (Calls gets "restart NAME").
func (b *Backend) Restart(ctx context.Context, spec launcher.Spec, wait bool, progress func(launcher.Progress)) (*launcher.Record, error) {
	b.call("restart " + spec.Name)
	if b.LaunchErr != nil {
		return nil, b.LaunchErr
	}
	b.mu.Lock()
	r, ok := b.Clusters[spec.Name]
	b.mu.Unlock()
	if !ok {
		return nil, notFound(spec.Name)
	}
	if !launcher.Ended(r.State) {
		return nil, fmt.Errorf("cluster %q is %s", spec.Name, r.State)
	}
	for _, p := range b.Phases {
		if progress != nil {
			progress(p)
		}
	}
	if b.Block {
		<-ctx.Done()
		return nil, fmt.Errorf("waiting for cloud: %w", ctx.Err())
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r.State, r.Nodes, r.MemoryBytes, r.VCores, r.Queue = "running", spec.Nodes, spec.MemoryBytes, spec.VCores, spec.Queue
	r.Profile, r.MaxIdle, r.MaxUptime, r.SaveOnStop, r.Env, r.Engine = spec.Profile, spec.MaxIdle, spec.MaxUptime, spec.SaveOnStop, spec.Env, spec.Engine
	r.Leader, r.Restarts, r.StopReason = "127.0.0.1:54321", r.Restarts+1, ""
	c := *r
	return &c, nil
}

var _ launcher.Restarter = (*Backend)(nil)
