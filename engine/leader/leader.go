package leader

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/jobs"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/engine/node"
)

// Options tune the leader; zero values take the defaults.
type Options struct {
	HeartbeatTimeout time.Duration // a node silent this long is lost (default 3s)
	RangeSize        int           // bytes per parse range (0: chosen from each file's size)
}

// Leader drives the cloud.
type Leader struct {
	cluster string
	self    *node.Node
	members []cloud.Member
	opts    Options
	log     *log.Logger
	started time.Time

	mu       sync.Mutex
	frames   map[string]*frame.Frame
	jobs     *jobs.Registry
	models   map[string]*storedModel
	temps    map[string][]string // job -> its working frames
	health   []nodeHealth
	problem  string
	lastWork time.Time
	active   map[int]context.CancelCauseFunc
	nextOp   int
	busy     map[string]bool // frame names being written
}

type nodeHealth struct {
	last    time.Time
	hb      node.Heartbeat
	lost    bool
	probing bool
}

// New makes the leader for a formed cloud and installs its API on self.
func New(cluster string, self *node.Node, members []cloud.Member, opts Options, logger *log.Logger) *Leader {
	if opts.HeartbeatTimeout == 0 {
		opts.HeartbeatTimeout = 3 * time.Second
	}
	now := time.Now().UTC()
	l := &Leader{
		cluster: cluster, self: self, members: members, opts: opts, log: logger, started: now,
		frames: map[string]*frame.Frame{}, jobs: jobs.New(), lastWork: now,
		models: map[string]*storedModel{}, temps: map[string][]string{},
		health: make([]nodeHealth, len(members)), active: map[int]context.CancelCauseFunc{},
		busy: map[string]bool{},
	}
	for i := range l.health {
		l.health[i].last = now
	}
	l.jobs.OnEnd = l.endJob
	l.jobs.Log = logger.Printf
	self.OnHeartbeat = l.heartbeat
	l.routes()
	return l
}

// MapOn implements mr.Executor: the leader's own chunks are mapped in
// process, others' over HTTPS.
func (l *Leader) MapOn(ctx context.Context, idx int, req *mr.Request) (*mr.Response, error) {
	var resp *node.MRResponse
	err := l.call(ctx, idx, node.PathMR, req, &resp, func() (err error) {
		resp, err = l.self.MR(ctx, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// call runs local() when idx is the leader itself, else POSTs to the member.
// Errors name the node.
func (l *Leader) call(ctx context.Context, idx int, path string, in any, out any, local func() error) error {
	if idx == l.self.Self().Index {
		return local()
	}
	if idx < 0 || idx >= len(l.members) {
		return fmt.Errorf("no node %d in this cloud", idx)
	}
	m := l.members[idx]
	if err := l.lostErr(idx); err != nil {
		return err
	}
	if err := l.self.Peer().Call(ctx, m.Addr, path, in, out); err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if _, remote := err.(*cloud.RemoteError); !remote {
			l.probeNow(idx) // a node that cannot be reached may be gone: find out now
		}
		if re, ok := err.(*cloud.RemoteError); ok {
			// The node's error keeps its kind across the network.
			return &mr.RemoteError{Node: idx, Addr: m.Addr, Kind: re.Kind, Msg: re.Msg}
		}
		return &unreachable{node: idx, addr: m.Addr, err: err}
	}
	return nil
}

// unreachable is a call to a node that got no answer: the message says so
// in words (the innermost cause, not a raw "Post https://...: ..." chain),
// and the node's fate is the cloud's health, which the probe decides.
type unreachable struct {
	node int
	addr string
	err  error
}

func (e *unreachable) Error() string {
	root := e.err
	for {
		next := errors.Unwrap(root)
		if next == nil {
			break
		}
		root = next
	}
	return fmt.Sprintf("node %d (%s) did not answer: %v; if it died, the cloud is now unhealthy and its frames are incomplete", e.node, e.addr, root)
}

func (e *unreachable) Unwrap() error { return e.err }

// forAll runs fn for every member index in parallel; the first error cancels
// the others and is returned.
func (l *Leader) forAll(ctx context.Context, idxs []int, fn func(ctx context.Context, idx int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for _, idx := range idxs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx, idx); err != nil {
				cancel(err)
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return nil
}

func (l *Leader) allNodes() []int {
	out := make([]int, len(l.members))
	for i := range out {
		out[i] = i
	}
	return out
}

// touch records work for the idle clock.
func (l *Leader) touch() {
	l.mu.Lock()
	l.lastWork = time.Now().UTC()
	l.mu.Unlock()
}

func (l *Leader) frame(name string) (*frame.Frame, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.frames[name]
	return f, ok
}
