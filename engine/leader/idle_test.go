package leader

import (
	"context"
	"errors"
	"io"
	"log"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/engine/jobs"
	"github.com/mlctl/mlctl/engine/limits"
	"github.com/mlctl/mlctl/engine/node"
)

// oneNodeLeader is the leader of a cloud of one node that does not serve:
// enough for the limits, which shut it down.
func oneNodeLeader(t *testing.T) (*Leader, *node.Node) {
	t.Helper()
	s, err := cloud.MintSecrets("idle", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.New(node.Config{Cluster: "idle", Index: 0, Size: 1, Secrets: s, Listen: "127.0.0.1:0", Log: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	l := New("idle", n, []cloud.Member{n.Self()}, Options{}, log.New(io.Discard, "", 0))
	return l, n
}

// clock is a test clock the limits read.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// ends collects what the leader told the backend.
type ends struct {
	mu  sync.Mutex
	got []limits.End
}

func (e *ends) add(_ context.Context, x limits.End) error {
	e.mu.Lock()
	e.got = append(e.got, x)
	e.mu.Unlock()
	return nil
}

func (e *ends) list() []limits.End {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]limits.End(nil), e.got...)
}

func waitDone(t *testing.T, n *node.Node, what string) {
	t.Helper()
	select {
	case <-n.Done():
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: the leader did not shut the cloud down", what)
	}
}

func running(n *node.Node) bool {
	select {
	case <-n.Done():
		return false
	default:
		return true
	}
}

func TestIdleCountsRunningJobsAsActivity(t *testing.T) {
	l, _ := oneNodeLeader(t)
	t0 := time.Now()
	l.mu.Lock()
	l.lastWork = t0
	l.mu.Unlock()
	if got := l.Idle(t0.Add(time.Hour)); got != time.Hour {
		t.Errorf("idle an hour after the last work: %s", got)
	}
	release := make(chan struct{})
	l.jobs.Start(context.Background(), "train", "m", func(ctx context.Context, p *jobs.Progress) (string, error) {
		<-release
		return "m", nil
	})
	if got := l.Idle(t0.Add(time.Hour)); got != 0 {
		t.Errorf("idle %s while a job runs, want 0", got)
	}
	close(release)
	for l.jobs.Running() > 0 {
		time.Sleep(time.Millisecond)
	}
	l.touch() // the API calls that do work touch the clock
	if got := l.Idle(time.Now().Add(time.Minute)); got < time.Minute-time.Second || got > time.Minute+time.Second {
		t.Errorf("idle a minute after a touch: %s", got)
	}
}

func TestIdleStopEndsTheCloudWithTheReason(t *testing.T) {
	l, n := oneNodeLeader(t)
	c := &clock{t: time.Now()}
	var e ends
	lim := limits.Limits{MaxIdle: 30 * time.Minute, Profile: "intern"}
	l.mu.Lock()
	l.lastWork = c.now()
	l.mu.Unlock()
	go l.EnforceLimits(context.Background(), lim, LimitHooks{Ended: e.add, Poll: time.Millisecond, Now: c.now})
	c.set(c.now().Add(29 * time.Minute))
	time.Sleep(50 * time.Millisecond) // many polls at 29 minutes idle
	if !running(n) || len(e.list()) != 0 {
		t.Fatalf("stopped after 29 of 30 idle minutes: %+v", e.list())
	}
	c.set(c.now().Add(2 * time.Minute))
	waitDone(t, n, "idle 31m of max 30m")
	got := e.list()
	if len(got) != 1 || got[0].State != limits.StateStopped || !strings.HasPrefix(got[0].Reason, "idle for 31m0s (max_idle 30m0s of profile intern)") {
		t.Fatalf("ends: %+v", got)
	}
	if limits.StateOf(got[0].Reason) != limits.StateStopped {
		t.Errorf("StateOf(%q) is not stopped", got[0].Reason)
	}
}

func TestIdleStopSavesFirstAndPutsOffWhenTheSaveFails(t *testing.T) {
	l, n := oneNodeLeader(t)
	c := &clock{t: time.Now()}
	var e ends
	var mu sync.Mutex
	var saves []string
	fail := true
	save := func(ctx context.Context, dir string) error {
		mu.Lock()
		defer mu.Unlock()
		saves = append(saves, dir)
		if fail {
			return errors.New("disk full")
		}
		return nil
	}
	lim := limits.Limits{MaxIdle: time.Minute, SaveOnStop: true, SaveDir: "/tmp/saves"}
	l.mu.Lock()
	l.lastWork = c.now()
	l.mu.Unlock()
	go l.EnforceLimits(context.Background(), lim, LimitHooks{Ended: e.add, Save: save, Poll: time.Millisecond, Now: c.now})
	c.set(c.now().Add(2 * time.Minute))
	for {
		mu.Lock()
		n := len(saves)
		mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	tries := len(saves)
	fail = false
	mu.Unlock()
	if !running(n) || len(e.list()) != 0 || tries != 1 {
		t.Fatalf("after a failed save: running %v, ends %+v, %d saves (want still running, no end, one try until MaxIdle passed)", running(n), e.list(), tries)
	}
	c.set(c.now().Add(2 * time.Minute)) // past the put-off
	waitDone(t, n, "idle after the put-off")
	got := e.list()
	if len(got) != 1 || got[0].Saved != "/tmp/saves" || got[0].SaveError != "" || !strings.Contains(got[0].Text(), "saved to /tmp/saves") {
		t.Fatalf("ends: %+v", got)
	}
}

func TestUptimeStopExpiresEvenWhenTheSaveFails(t *testing.T) {
	l, n := oneNodeLeader(t)
	c := &clock{t: time.Now()}
	var e ends
	lim := limits.Limits{EndsAt: c.now().Add(time.Hour), MaxUptime: time.Hour, Profile: "senior", SaveOnStop: true, SaveDir: "/x"}
	go l.EnforceLimits(context.Background(), lim, LimitHooks{Ended: e.add, Poll: time.Millisecond, Now: c.now,
		Save: func(context.Context, string) error { return errors.New("no space") }})
	l.touch()
	c.set(lim.EndsAt.Add(-time.Second))
	time.Sleep(30 * time.Millisecond)
	if !running(n) {
		t.Fatal("expired a second before its end")
	}
	c.set(lim.EndsAt)
	waitDone(t, n, "at EndsAt")
	got := e.list()
	if len(got) != 1 || got[0].State != limits.StateExpired || got[0].SaveError != "no space" ||
		!strings.HasPrefix(got[0].Reason, "max_uptime 1h0m0s of profile senior reached") {
		t.Fatalf("ends: %+v", got)
	}
}

// On YARN the lifetime is the RM's: the leader acts before it only to save,
// saveLead ahead.
func TestUptimeByRMLeavesTheEndToYARNUnlessSaving(t *testing.T) {
	l, n := oneNodeLeader(t)
	c := &clock{t: time.Now()}
	var e ends
	lim := limits.Limits{EndsAt: c.now().Add(time.Hour), MaxUptime: time.Hour, UptimeByRM: true}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		l.EnforceLimits(ctx, lim, LimitHooks{Ended: e.add, Poll: time.Millisecond, Now: c.now})
		close(done)
	}()
	c.set(lim.EndsAt.Add(time.Hour))
	time.Sleep(30 * time.Millisecond)
	cancel()
	<-done
	if !running(n) || len(e.list()) != 0 {
		t.Fatalf("the leader ended a cluster whose lifetime YARN enforces: %+v", e.list())
	}

	lim.SaveOnStop, lim.SaveDir = true, "hdfs:///user/u/.mlctl/clusters/c/saves"
	go l.EnforceLimits(context.Background(), lim, LimitHooks{Ended: e.add, Poll: time.Millisecond, Now: c.now,
		Save: func(context.Context, string) error { return nil }})
	c.set(lim.EndsAt.Add(-saveLead(lim) - time.Second))
	time.Sleep(30 * time.Millisecond)
	if !running(n) {
		t.Fatal("saved and ended before the save lead")
	}
	c.set(lim.EndsAt.Add(-saveLead(lim)))
	waitDone(t, n, "at the save lead")
	if got := e.list(); len(got) != 1 || got[0].State != limits.StateExpired || got[0].Saved == "" {
		t.Fatalf("ends: %+v", got)
	}
}

// Work that comes in while the idle stop saves keeps the cluster up.
func TestIdleStopCalledOffByWorkDuringTheSave(t *testing.T) {
	l, n := oneNodeLeader(t)
	c := &clock{t: time.Now()}
	var e ends
	var saves atomic.Int32
	save := func(ctx context.Context, dir string) error {
		if saves.Add(1) == 1 {
			l.touch() // a user's import arrives during the first save
		}
		return nil
	}
	lim := limits.Limits{MaxIdle: time.Minute, SaveOnStop: true, SaveDir: "/tmp/saves"}
	l.mu.Lock()
	l.lastWork = c.now()
	l.mu.Unlock()
	go l.EnforceLimits(context.Background(), lim, LimitHooks{Ended: e.add, Save: save, Poll: time.Millisecond, Now: c.now})
	c.set(c.now().Add(2 * time.Minute))
	for saves.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if !running(n) || len(e.list()) != 0 || saves.Load() != 1 {
		t.Fatalf("stopped although work came in during the save: %+v, %d saves", e.list(), saves.Load())
	}
	c.set(time.Now().Add(5 * time.Minute))
	waitDone(t, n, "idle again after the work")
	if got := e.list(); len(got) != 1 || saves.Load() != 2 || got[0].Saved == "" {
		t.Fatalf("ends %+v after %d saves", got, saves.Load())
	}
}
