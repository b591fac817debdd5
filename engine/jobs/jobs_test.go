package jobs

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func waitEnd(t *testing.T, r *Registry, id string) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(time.Millisecond) {
		if j, _ := r.Get(id); j.State != "running" {
			return
		}
	}
	t.Fatal("job did not end")
}

func TestStatesCancelAndPanic(t *testing.T) {
	r := New()
	ok := r.Start(context.Background(), "train", "m", func(ctx context.Context, p *Progress) (string, error) {
		p.Set(0.5, "half")
		p.Warn("careful")
		return "m", nil
	})
	bad := r.Start(context.Background(), "train", "m2", func(ctx context.Context, p *Progress) (string, error) {
		return "", errors.New("no target")
	})
	boom := r.Start(context.Background(), "train", "m3", func(ctx context.Context, p *Progress) (string, error) {
		var s []int
		return "", errors.New(string(rune(s[3])))
	})
	long := r.Start(context.Background(), "train", "m4", func(ctx context.Context, p *Progress) (string, error) {
		<-ctx.Done()
		return "", context.Cause(ctx)
	})
	for _, id := range []string{ok.ID, bad.ID, boom.ID} {
		waitEnd(t, r, id)
	}
	if r.Running() != 1 {
		t.Errorf("running %d, want 1", r.Running())
	}
	j, err := r.Cancel(long.ID, 5*time.Second)
	if err != nil || j.State != "cancelled" {
		t.Fatalf("cancel: %+v %v", j, err)
	}
	want := map[string]string{ok.ID: "done", bad.ID: "failed", boom.ID: "failed", long.ID: "cancelled"}
	for id, st := range want {
		if j, _ := r.Get(id); j.State != st {
			t.Errorf("job %s state %s, want %s", id, j.State, st)
		}
	}
	if j, _ := r.Get(boom.ID); !strings.Contains(j.Error, "internal error") {
		t.Errorf("a panicking job's error: %q", j.Error)
	}
	if j, _ := r.Get(ok.ID); j.Result != "m" || len(j.Warnings) != 1 || j.Progress != 1 {
		t.Errorf("done job %+v", j)
	}
	if _, err := r.Cancel("nope", time.Second); err == nil {
		t.Error("cancel of an unknown job succeeded")
	}
	if len(r.List()) != 4 {
		t.Errorf("list has %d jobs", len(r.List()))
	}
}

func TestPruneKeepsNewestFinished(t *testing.T) {
	r := New()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r.clock = func() time.Time { return now }
	for i := 0; i < MaxFinished+30; i++ {
		j := r.Start(context.Background(), "import", "f", func(context.Context, *Progress) (string, error) { return "f", nil })
		waitEnd(t, r, j.ID)
		now = now.Add(time.Second)
	}
	r.mu.Lock()
	r.prune()
	n := len(r.jobs)
	r.mu.Unlock()
	if n != MaxFinished {
		t.Errorf("%d jobs kept, want %d", n, MaxFinished)
	}
	now = now.Add(MaxAge + time.Hour)
	r.mu.Lock()
	r.prune()
	n = len(r.jobs)
	r.mu.Unlock()
	if n != 0 {
		t.Errorf("%d jobs kept after a day, want 0", n)
	}
}
