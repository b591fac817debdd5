package launcher

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/errs"
)

func TestCheckLocal(t *testing.T) {
	const gib = int64(1) << 30
	cases := []struct {
		spec Spec
		want string // "" = allowed
	}{
		{Spec{Nodes: 3, MemoryBytes: gib}, ""},
		{Spec{Nodes: 8, MemoryBytes: 256 << 20}, ""},
		{Spec{Nodes: 9, MemoryBytes: 256 << 20}, "at most 4 per core"},
		{Spec{Nodes: 1000, MemoryBytes: 256 << 20, NoLocalLimits: true}, ""},
		{Spec{Nodes: 4, MemoryBytes: 8 * gib}, "more than this machine's"},
		{Spec{Nodes: 1, MemoryBytes: 1024}, "below the 64 MiB"},
		{Spec{Nodes: 1, MemoryBytes: 1024, NoLocalLimits: true}, "below the 64 MiB"},
		{Spec{Nodes: 1, Queue: "q"}, "yarn backend only"},
		{Spec{Nodes: 1, MaxUptime: time.Hour, MaxIdle: time.Minute}, ""}, // the leader enforces both
		{Spec{Nodes: 1, MaxIdle: -time.Minute}, "must not be negative"},
	}
	for _, tc := range cases {
		err := CheckLocal(tc.spec, 2, 24*gib)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v refused: %v", tc.spec, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || errs.Code(err) != errs.Usage):
			t.Errorf("%+v: %v (code %d), want a usage error saying %q", tc.spec, err, errs.Code(err), tc.want)
		}
	}
}

// An interrupted launch (Ctrl-C) stops what it started and leaves no
// record, so the name is free again.
func TestInterruptedLocalLaunchCleansUp(t *testing.T) {
	l := newLocal(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Ctrl-C right after the nodes started: Launch starts them, then waits
	_, err := l.Launch(ctx, Spec{Name: "intr", Nodes: 2, MemoryBytes: 256 << 20, VCores: 1}, true, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted launch: %v", err)
	}
	if _, err := l.Get(context.Background(), "intr"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a record is left after an interrupted launch: %v", err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Minute)
	defer cancel2()
	if _, err := l.Launch(ctx2, Spec{Name: "intr", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1}, true, nil); err != nil {
		t.Fatalf("the name is not free again: %v", err)
	}
	l.Stop(context.Background(), "intr")
	l.Delete(context.Background(), "intr")
}
