package proc

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/engine/leader"
	"github.com/mlctl/mlctl/engine/limits"
	"github.com/mlctl/mlctl/engine/node"
)

// Config starts one engine process.
type Config struct {
	Node          node.Config
	FormTimeout   time.Duration // how long to wait for every node (default 2m)
	Heartbeat     time.Duration // default 1s
	LeaderTimeout time.Duration // a node without its leader this long exits (default 30s)
	Leader        leader.Options
	// Limits the leader enforces (max_idle, max_uptime, cluster_save), and
	// how the backend learns that the cloud ended itself (see
	// leader.LimitHooks.Ended).
	Limits limits.Limits
	Ended  func(ctx context.Context, e limits.End) error
}

// Run runs the process until the cloud shuts down or ctx ends.
func Run(ctx context.Context, cfg Config) error {
	if cfg.FormTimeout == 0 {
		cfg.FormTimeout = 2 * time.Minute
	}
	if cfg.Heartbeat == 0 {
		cfg.Heartbeat = time.Second
	}
	if cfg.LeaderTimeout == 0 {
		cfg.LeaderTimeout = 30 * time.Second
	}
	logger := cfg.Node.Log
	if logger == nil {
		logger = log.Default()
		cfg.Node.Log = logger
	}
	n, err := node.New(cfg.Node)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- n.Serve(ctx) }()

	self := n.Self()
	logger.Printf("node %d of %d serving on %s (pid %d)", self.Index, cfg.Node.Size, self.Addr, self.PID)
	if err := cfg.Node.Rendezvous.Join(ctx, self); err != nil {
		return fmt.Errorf("joining the cloud: %w", err)
	}
	fctx, fcancel := context.WithTimeout(ctx, cfg.FormTimeout)
	members, err := cloud.AwaitMembers(fctx, cfg.Node.Rendezvous, cfg.Node.Size, 20*time.Millisecond)
	fcancel()
	if err != nil {
		return err
	}
	n.SetMembers(members)
	lead := members[0]
	for _, m := range members {
		if m.Index < lead.Index {
			lead = m
		}
	}
	if lead.Index == self.Index {
		l := leader.New(cfg.Node.Cluster, n, members, cfg.Leader, logger)
		go l.Monitor(ctx)
		save := func(ctx context.Context, dir string) error { _, err := l.Save(ctx, dir); return err }
		go l.EnforceLimits(ctx, cfg.Limits, leader.LimitHooks{Ended: cfg.Ended, Save: save})
		if err := cfg.Node.Rendezvous.PublishLeader(ctx, self); err != nil {
			return fmt.Errorf("publishing the leader: %w", err)
		}
		logger.Printf("cloud of %d formed; leading at %s", len(members), self.Addr)
	} else {
		logger.Printf("cloud of %d formed; leader is node %d at %s", len(members), lead.Index, lead.Addr)
		go n.HeartbeatLoop(ctx, lead.Addr, cfg.Heartbeat, cfg.LeaderTimeout)
	}
	if g, ok := cfg.Node.Rendezvous.(interface{ Gone() bool }); ok {
		go watchGone(ctx, g, n, logger)
	}
	return <-served
}

// watchGone shuts the node down once its rendezvous disappears, so a deleted
// cluster never leaves processes behind.
func watchGone(ctx context.Context, g interface{ Gone() bool }, n *node.Node, logger *log.Logger) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-n.Done():
			return
		case <-t.C:
			if g.Gone() {
				logger.Printf("cluster directory removed; shutting down")
				n.Shutdown()
				return
			}
		}
	}
}
