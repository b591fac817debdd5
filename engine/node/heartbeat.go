package node

import (
	"context"
	"runtime/metrics"
	"time"
)

var heapSample = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

func heapInUse() int64 {
	s := make([]metrics.Sample, 1)
	s[0].Name = heapSample[0].Name
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// HeartbeatLoop sends this node's heartbeat to the leader every interval.
// If the leader cannot be reached for giveUp, the node shuts itself down:
// a cloud without its leader can do no work, and an orphaned process would
// only hold memory.
func (n *Node) HeartbeatLoop(ctx context.Context, leaderAddr string, interval, giveUp time.Duration) {
	lastOK := time.Now()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-n.quit:
			return
		case <-t.C:
		}
		cctx, cancel := context.WithTimeout(ctx, interval*2)
		err := n.peer.Call(cctx, leaderAddr, PathHeartbeat, n.Usage(), nil)
		cancel()
		if err == nil {
			lastOK = time.Now()
			continue
		}
		if time.Since(lastOK) > giveUp {
			n.log.Printf("leader %s unreachable for %s (%v); shutting down", leaderAddr, giveUp, err)
			n.Shutdown()
			return
		}
	}
}
