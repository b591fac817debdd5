package leader

import (
	"context"
	"fmt"
	"time"

	"github.com/mlctl/mlctl/engine/node"
)

// heartbeat records a node's heartbeat.
func (l *Leader) heartbeat(hb node.Heartbeat) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if hb.Index < 0 || hb.Index >= len(l.health) {
		return
	}
	h := &l.health[hb.Index]
	if h.lost {
		// A lost node stays lost: its chunks may be gone. The cloud must be
		// restarted; say so rather than pretend it healed.
		return
	}
	h.last = time.Now()
	h.hb = hb
}

// Monitor checks heartbeats until ctx ends. A node silent for longer than
// the timeout is marked lost, the cloud unhealthy, and every running
// operation is cancelled with an error naming the node.
func (l *Leader) Monitor(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	self := l.self.Self().Index
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		l.mu.Lock()
		l.health[self].last = now
		l.health[self].hb = l.self.Usage()
		var late []int
		for i := range l.health {
			h := &l.health[i]
			if !h.lost && !h.probing && now.Sub(h.last) > l.opts.HeartbeatTimeout {
				h.probing = true
				late = append(late, i)
			}
		}
		l.mu.Unlock()
		for _, i := range late {
			go l.probe(ctx, i)
		}
	}
}

// probeNow pings node idx at once unless a probe is under way, e.g. after a
// call to it failed, so a dead node is declared lost without waiting for
// the heartbeat timeout.
func (l *Leader) probeNow(idx int) {
	l.mu.Lock()
	h := &l.health[idx]
	if h.lost || h.probing {
		l.mu.Unlock()
		return
	}
	h.probing = true
	l.mu.Unlock()
	go l.probe(context.Background(), idx)
}

// probe pings a node whose heartbeats are late. A slow node (a long GC, a
// starved CPU) answers and stays; a dead one refuses the connection at once,
// a frozen one times out, and either is lost.
func (l *Leader) probe(ctx context.Context, idx int) {
	pctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var hb node.Heartbeat
	err := l.self.Peer().Call(pctx, l.members[idx].Addr, node.PathPing, struct{}{}, &hb)
	l.mu.Lock()
	l.health[idx].probing = false
	if err == nil {
		l.health[idx].last = time.Now()
		l.health[idx].hb = hb
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	if ctx.Err() == nil {
		l.nodeLost(idx, fmt.Sprintf("no heartbeat for %s and no answer to a ping (%v)", l.opts.HeartbeatTimeout, err))
	}
}

// nodeLost marks a node lost and fails running work.
func (l *Leader) nodeLost(idx int, why string) {
	m := l.members[idx]
	err := fmt.Errorf("node %d (%s, pid %d) was lost: %s; its chunks of every frame are gone with it", idx, m.Addr, m.PID, why)
	l.log.Print(err)
	l.mu.Lock()
	l.health[idx].lost = true
	if l.problem == "" {
		l.problem = err.Error()
	}
	cancels := make([]context.CancelCauseFunc, 0, len(l.active))
	for _, c := range l.active {
		cancels = append(cancels, c)
	}
	l.mu.Unlock()
	for _, c := range cancels {
		c(err)
	}
}

// lostErr is non-nil when idx is known lost.
func (l *Leader) lostErr(idx int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if idx < len(l.health) && l.health[idx].lost {
		return fmt.Errorf("%s", l.problem)
	}
	return nil
}

// healthy is nil when every node is alive.
func (l *Leader) healthy() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.problem != "" {
		return fmt.Errorf("%s", l.problem)
	}
	return nil
}

// operation derives a context that a lost node cancels; call done when the
// work ends.
func (l *Leader) operation(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	l.mu.Lock()
	id := l.nextOp
	l.nextOp++
	l.active[id] = cancel
	l.mu.Unlock()
	return ctx, func() {
		l.mu.Lock()
		delete(l.active, id)
		l.mu.Unlock()
		cancel(nil)
	}
}
