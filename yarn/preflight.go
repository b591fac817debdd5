package yarn

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mlctl/mlctl/internal/errs"
)

// Request is what a launch will ask of YARN: one AM container and Nodes
// node containers of MemoryMB/VCores each, in Queue.
type Request struct {
	Queue    string // "" means "default"
	Nodes    int
	MemoryMB int64 // per node container
	VCores   int64
	AM       Resource // the AM container; zero means none counted
	// MaxAllocation, when known (NewApp.MaxResource), is used where the
	// scheduler API does not give the queue's maximum allocation.
	MaxAllocation Resource
	// AllowWait skips the "not available now" check: the app may sit in
	// ACCEPTED until resources free up.
	AllowWait bool
}

// Limits a Preflight can refuse on.
const (
	LimitMaxAllocationMB     = "yarn.scheduler.maximum-allocation-mb"
	LimitMaxAllocationVCores = "yarn.scheduler.maximum-allocation-vcores"
	LimitUnknownQueue        = "unknown-queue"
	LimitQueueNotLeaf        = "parent-queue"
	LimitQueueStopped        = "queue-stopped"
	LimitQueueMax            = "queue-max-capacity"
	LimitQueueAvailable      = "queue-available"
	LimitAMResource          = "queue-am-resource-limit"
)

// PreflightError says which limit a request is over, by how much.
type PreflightError struct {
	Limit     string // one of the Limit* constants
	Queue     string
	Requested int64 // in Unit
	Allowed   int64
	Unit      string // "MB" or "vcores"
	Msg       string
}

func (e *PreflightError) Error() string { return "yarn: " + e.Msg }

// ErrWouldWait matches a PreflightError that only says "not now".
var ErrWouldWait = errors.New("the request does not fit in what the queue has free now")

// Is lets errors.Is(err, ErrWouldWait) single out the refusal that waiting
// would cure.
func (e *PreflightError) Is(target error) bool {
	return target == ErrWouldWait && e.Limit == LimitQueueAvailable
}

func refuse(e *PreflightError, hint string) error { return errs.New(errs.Error, e, hint) }

// Preflight checks req against what the RM reports — the scheduler's queues
// and the cluster's metrics — and refuses, before anything is submitted, a
// request YARN would never grant (an app that would sit ACCEPTED forever or
// fail at allocation). It returns nil when nothing it can see is in the way.
// Only the capacity scheduler exposes queue limits; with another scheduler
// only the per-container maximum (from req.MaxAllocation) is checked.
func (c *Client) Preflight(ctx context.Context, req Request) error {
	if req.Nodes < 0 || req.MemoryMB < 0 || req.VCores < 0 {
		return fmt.Errorf("yarn: preflight: negative request %+v", req)
	}
	queue := req.Queue
	if queue == "" {
		queue = "default"
	}
	sched, err := c.Scheduler().Info(ctx)
	if err != nil {
		return err
	}
	maxAlloc := req.MaxAllocation
	var q *Queue
	if sched.Type == CapacityScheduler {
		if q, err = checkQueue(sched, queue); err != nil {
			return err
		}
		if q.MaxAllocation.MemoryMB > 0 {
			maxAlloc = q.MaxAllocation
		}
	}
	for _, ct := range []struct {
		what string
		r    Resource
	}{{"a node container", Resource{req.MemoryMB, req.VCores}}, {"the AM container", req.AM}} {
		if err := checkContainer(ct.what, ct.r, maxAlloc, queue); err != nil {
			return err
		}
	}
	if q == nil {
		return nil
	}
	total := Resource{int64(req.Nodes)*req.MemoryMB + req.AM.MemoryMB, int64(req.Nodes)*req.VCores + req.AM.VCores}
	if q.MaxEffective.MemoryMB > 0 && total.MemoryMB > q.MaxEffective.MemoryMB {
		return refuse(&PreflightError{Limit: LimitQueueMax, Queue: q.Path, Requested: total.MemoryMB,
			Allowed: q.MaxEffective.MemoryMB, Unit: "MB",
			Msg: fmt.Sprintf("%d nodes of %d MB plus the AM (%d MB) need %d MB, more than queue %s can ever hold (%d MB, its maximum capacity)",
				req.Nodes, req.MemoryMB, req.AM.MemoryMB, total.MemoryMB, q.Path, q.MaxEffective.MemoryMB)},
			"ask for fewer or smaller nodes, or use a bigger queue")
	}
	if q.MaxEffective.VCores > 0 && total.VCores > q.MaxEffective.VCores {
		return refuse(&PreflightError{Limit: LimitQueueMax, Queue: q.Path, Requested: total.VCores,
			Allowed: q.MaxEffective.VCores, Unit: "vcores",
			Msg: fmt.Sprintf("the launch needs %d vcores, more than queue %s can ever hold (%d)", total.VCores, q.Path, q.MaxEffective.VCores)},
			"ask for fewer vcores per node or fewer nodes")
	}
	if req.AM.MemoryMB > 0 && q.AMLimit.MemoryMB > 0 && req.AM.MemoryMB > q.AMLimit.MemoryMB {
		return refuse(&PreflightError{Limit: LimitAMResource, Queue: q.Path, Requested: req.AM.MemoryMB,
			Allowed: q.AMLimit.MemoryMB, Unit: "MB",
			Msg: fmt.Sprintf("the AM container (%d MB) is over queue %s's limit for all AMs together (%d MB, maximum-am-resource-percent)",
				req.AM.MemoryMB, q.Path, q.AMLimit.MemoryMB)},
			"use a smaller AM container, or ask the admins to raise yarn.scheduler.capacity."+q.Path+".maximum-am-resource-percent")
	}
	if req.AllowWait {
		return nil
	}
	return c.checkAvailable(ctx, q, total)
}

func checkQueue(sched *SchedulerInfo, name string) (*Queue, error) {
	q := sched.Queue(name)
	if q == nil {
		return nil, refuse(&PreflightError{Limit: LimitUnknownQueue, Queue: name,
			Msg: fmt.Sprintf("queue %q does not exist (leaf queues: %s)", name, strings.Join(sched.LeafNames(), ", "))},
			"pick one of the leaf queues")
	}
	if !q.Leaf {
		return nil, refuse(&PreflightError{Limit: LimitQueueNotLeaf, Queue: q.Path,
			Msg: fmt.Sprintf("queue %s is a parent queue; applications go to leaf queues (%s)", q.Path, strings.Join(sched.LeafNames(), ", "))},
			"pick one of the leaf queues")
	}
	if q.State != "" && q.State != "RUNNING" {
		return nil, refuse(&PreflightError{Limit: LimitQueueStopped, Queue: q.Path,
			Msg: fmt.Sprintf("queue %s is %s and takes no applications", q.Path, q.State)}, "use another queue")
	}
	return q, nil
}

func checkContainer(what string, r, max Resource, queue string) error {
	if max.MemoryMB > 0 && r.MemoryMB > max.MemoryMB {
		return refuse(&PreflightError{Limit: LimitMaxAllocationMB, Queue: queue, Requested: r.MemoryMB, Allowed: max.MemoryMB, Unit: "MB",
			Msg: fmt.Sprintf("%s of %d MB is over the largest container YARN grants in queue %s: %s = %d",
				what, r.MemoryMB, queue, LimitMaxAllocationMB, max.MemoryMB)},
			fmt.Sprintf("ask for at most %d MB per container (and more nodes), or ask the admins to raise %s", max.MemoryMB, LimitMaxAllocationMB))
	}
	if max.VCores > 0 && r.VCores > max.VCores {
		return refuse(&PreflightError{Limit: LimitMaxAllocationVCores, Queue: queue, Requested: r.VCores, Allowed: max.VCores, Unit: "vcores",
			Msg: fmt.Sprintf("%s of %d vcores is over the largest container YARN grants in queue %s: %s = %d",
				what, r.VCores, queue, LimitMaxAllocationVCores, max.VCores)},
			fmt.Sprintf("ask for at most %d vcores per container, or ask the admins to raise %s", max.VCores, LimitMaxAllocationVCores))
	}
	return nil
}

// checkAvailable refuses what does not fit now: the queue's headroom (its
// maximum less what it uses), bounded by what the cluster has free.
func (c *Client) checkAvailable(ctx context.Context, q *Queue, total Resource) error {
	m, err := c.Cluster().Metrics(ctx)
	if err != nil {
		return err
	}
	free := m.AvailableMB
	if q.MaxEffective.MemoryMB > 0 {
		free = min(free, q.MaxEffective.MemoryMB-q.Used.MemoryMB)
	}
	if total.MemoryMB > free {
		return refuse(&PreflightError{Limit: LimitQueueAvailable, Queue: q.Path, Requested: total.MemoryMB, Allowed: free, Unit: "MB",
			Msg: fmt.Sprintf("the launch needs %d MB and queue %s has %d MB free now (the cluster %d MB)",
				total.MemoryMB, q.Path, max(free, 0), m.AvailableMB)},
			"wait for other applications to finish, ask for less, or allow the launch to wait in the queue")
	}
	return nil
}
