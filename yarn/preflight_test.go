package yarn

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/errs"
)

func TestSchedulerInfo(t *testing.T) {
	f := newFakeRM(t)
	f.fixture("GET /ws/v1/cluster/scheduler", "scheduler-tree.json")
	s, err := newTestClient(t, f.srv.URL).Scheduler().Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.Type != CapacityScheduler || s.Root == nil || s.Root.Leaf || len(s.Root.Children) != 2 {
		t.Fatalf("info = %+v", s)
	}
	if got := strings.Join(s.LeafNames(), ","); got != "root.default,root.eng.ml" {
		t.Errorf("leaves = %s", got)
	}
	d := s.Queue("default")
	if d == nil || !d.Leaf || d.MaxEffective != (Resource{2048, 2}) || d.Used != (Resource{512, 1}) ||
		d.MaxAllocation != (Resource{4096, 4}) || d.AMLimit != (Resource{2048, 1}) || d.MaxLifetimeSeconds != -1 {
		t.Errorf("default = %+v", d)
	}
	if q := s.Queue("root.eng.ml"); q == nil || q.State != "STOPPED" || q.Name != "ml" {
		t.Errorf("ml = %+v", q)
	}
	if s.Queue("root.eng").Leaf {
		t.Error("parent queue marked leaf")
	}
}

func TestPreflight(t *testing.T) {
	am := Resource{256, 1}
	cases := []struct {
		name    string
		fixture string
		req     Request
		limit   string // "" means no refusal
		msg     string
	}{
		{"fits", "scheduler.json", Request{Nodes: 3, MemoryMB: 1024, VCores: 1, AM: am}, "", ""},
		{"over max allocation mb", "scheduler.json", Request{Nodes: 1, MemoryMB: 8192, VCores: 1, AM: am},
			LimitMaxAllocationMB, "a node container of 8192 MB is over the largest container YARN grants in queue default: yarn.scheduler.maximum-allocation-mb = 4096"},
		{"over max allocation vcores", "scheduler.json", Request{Nodes: 1, MemoryMB: 512, VCores: 8},
			LimitMaxAllocationVCores, "yarn.scheduler.maximum-allocation-vcores = 4"},
		{"am over max allocation", "scheduler.json", Request{Nodes: 1, MemoryMB: 512, VCores: 1, AM: Resource{5000, 1}},
			LimitMaxAllocationMB, "the AM container of 5000 MB"},
		{"unknown queue", "scheduler-tree.json", Request{Queue: "nope", Nodes: 1, MemoryMB: 128},
			LimitUnknownQueue, `queue "nope" does not exist (leaf queues: root.default, root.eng.ml)`},
		{"parent queue", "scheduler-tree.json", Request{Queue: "eng", Nodes: 1, MemoryMB: 128},
			LimitQueueNotLeaf, "root.eng is a parent queue"},
		{"stopped queue", "scheduler-tree.json", Request{Queue: "root.eng.ml", Nodes: 1, MemoryMB: 128},
			LimitQueueStopped, "root.eng.ml is STOPPED"},
		{"over queue max", "scheduler-tree.json", Request{Nodes: 2, MemoryMB: 1024, AM: am},
			LimitQueueMax, "need 2304 MB, more than queue root.default can ever hold (2048 MB"},
		{"over queue available", "scheduler-tree.json", Request{Nodes: 1, MemoryMB: 1536, AM: am},
			LimitQueueAvailable, "needs 1792 MB and queue root.default has 1536 MB free now"},
		{"wait allowed", "scheduler-tree.json", Request{Nodes: 1, MemoryMB: 1536, AM: am, AllowWait: true}, "", ""},
		{"am over am limit", "scheduler.json", Request{Nodes: 1, MemoryMB: 128, AM: Resource{3072, 1}},
			LimitAMResource, "over queue root.default's limit for all AMs together (2048 MB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeRM(t)
			f.fixture("GET /ws/v1/cluster/scheduler", tc.fixture)
			f.fixture("GET /ws/v1/cluster/metrics", "metrics.json")
			err := newTestClient(t, f.srv.URL).Preflight(context.Background(), tc.req)
			if tc.limit == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var pe *PreflightError
			if !errors.As(err, &pe) || pe.Limit != tc.limit {
				t.Fatalf("err = %v, want limit %s", err, tc.limit)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("%q lacks %q", err, tc.msg)
			}
			if errs.Hint(err) == "" {
				t.Error("no hint")
			}
			if errors.Is(err, ErrWouldWait) != (tc.limit == LimitQueueAvailable) {
				t.Errorf("ErrWouldWait match wrong for %s", tc.limit)
			}
		})
	}
}

func TestPreflightOtherScheduler(t *testing.T) {
	f := newFakeRM(t)
	f.json("GET /ws/v1/cluster/scheduler", 200, `{"scheduler":{"schedulerInfo":{"type":"fifoScheduler","capacity":1.0}}}`)
	c := newTestClient(t, f.srv.URL)
	if err := c.Preflight(context.Background(), Request{Queue: "whatever", Nodes: 100, MemoryMB: 1024}); err != nil {
		t.Errorf("fifo, no max known: %v", err)
	}
	err := c.Preflight(context.Background(), Request{Nodes: 1, MemoryMB: 9000, MaxAllocation: Resource{8192, 8}})
	var pe *PreflightError
	if !errors.As(err, &pe) || pe.Allowed != 8192 {
		t.Errorf("fifo with MaxAllocation: %v", err)
	}
}
