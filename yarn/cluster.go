package yarn

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Cluster is the handle on /ws/v1/cluster/info and /metrics.
type Cluster struct{ c *Client }

// ClusterInfo is GET /ws/v1/cluster/info.
type ClusterInfo struct {
	ID            int64
	Started       time.Time
	State         string // STARTED
	HAState       string // ACTIVE or STANDBY (a standby answers this call itself)
	RMVersion     string
	HadoopVersion string
}

// Info returns the RM's cluster information.
func (cl *Cluster) Info(ctx context.Context) (*ClusterInfo, error) {
	var w struct {
		I struct {
			ID            int64  `json:"id"`
			StartedOn     int64  `json:"startedOn"`
			State         string `json:"state"`
			HAState       string `json:"haState"`
			RMVersion     string `json:"resourceManagerVersion"`
			HadoopVersion string `json:"hadoopVersion"`
		} `json:"clusterInfo"`
	}
	if err := cl.c.do(ctx, http.MethodGet, "/ws/v1/cluster/info", nil, nil, &w); err != nil {
		return nil, err
	}
	i := w.I
	return &ClusterInfo{ID: i.ID, Started: ms(i.StartedOn), State: i.State, HAState: i.HAState,
		RMVersion: i.RMVersion, HadoopVersion: i.HadoopVersion}, nil
}

// Metrics is GET /ws/v1/cluster/metrics (the default partition).
type Metrics struct {
	AppsSubmitted int64 `json:"appsSubmitted"`
	AppsPending   int64 `json:"appsPending"`
	AppsRunning   int64 `json:"appsRunning"`
	AppsCompleted int64 `json:"appsCompleted"`
	AppsFailed    int64 `json:"appsFailed"`
	AppsKilled    int64 `json:"appsKilled"`

	TotalMB               int64 `json:"totalMB"`
	AvailableMB           int64 `json:"availableMB"`
	AllocatedMB           int64 `json:"allocatedMB"`
	ReservedMB            int64 `json:"reservedMB"`
	TotalVirtualCores     int64 `json:"totalVirtualCores"`
	AvailableVirtualCores int64 `json:"availableVirtualCores"`
	AllocatedVirtualCores int64 `json:"allocatedVirtualCores"`

	ContainersAllocated int64 `json:"containersAllocated"`
	ContainersPending   int64 `json:"containersPending"`
	TotalNodes          int64 `json:"totalNodes"`
	ActiveNodes         int64 `json:"activeNodes"`
	UnhealthyNodes      int64 `json:"unhealthyNodes"`
	LostNodes           int64 `json:"lostNodes"`
}

// Total is the cluster's whole capacity.
func (m *Metrics) Total() Resource { return Resource{m.TotalMB, m.TotalVirtualCores} }

// Available is what no container holds now.
func (m *Metrics) Available() Resource { return Resource{m.AvailableMB, m.AvailableVirtualCores} }

// Metrics returns the cluster's metrics.
func (cl *Cluster) Metrics(ctx context.Context) (*Metrics, error) {
	var w struct {
		M Metrics `json:"clusterMetrics"`
	}
	if err := cl.c.do(ctx, http.MethodGet, "/ws/v1/cluster/metrics", nil, nil, &w); err != nil {
		return nil, err
	}
	return &w.M, nil
}

// Scheduler is the handle on /ws/v1/cluster/scheduler.
type Scheduler struct{ c *Client }

// Scheduler types as the RM names them.
const (
	CapacityScheduler = "capacityScheduler"
	FairScheduler     = "fairScheduler"
	FifoScheduler     = "fifoScheduler"
)

// SchedulerInfo describes the scheduler. Queues are filled for the
// capacity scheduler only (the others' shapes differ and mlctl's clusters
// run the capacity scheduler).
type SchedulerInfo struct {
	Type   string
	Root   *Queue // root queue, nil if not the capacity scheduler
	Leaves []*Queue
}

// Queue is a capacity-scheduler queue, with what the REST API says about
// its limits. Capacities are percentages; resources are absolute.
type Queue struct {
	Name, Path string // "default", "root.default"
	Leaf       bool
	State      string // RUNNING, STOPPED

	Capacity, MaxCapacity                float64 // of the parent
	AbsCapacity, AbsMaxCapacity, AbsUsed float64 // of the cluster

	Used          Resource // resourcesUsed
	MaxEffective  Resource // maxEffectiveCapacity: the most the queue may ever hold
	MaxAllocation Resource // the largest container the queue grants
	AMLimit       Resource // AMResourceLimit: all AMs of the queue together
	AMUsed        Resource // usedAMResource

	NumApplications, MaxApplications int
	MaxLifetimeSeconds               int64 // maxApplicationLifetime; -1 unlimited

	Children []*Queue
}

// Queue finds a queue by leaf name ("default") or full path ("root.default").
func (s *SchedulerInfo) Queue(name string) *Queue {
	var found *Queue
	var walk func(q *Queue)
	walk = func(q *Queue) {
		if found != nil || q == nil {
			return
		}
		if q.Path == name || q.Name == name {
			found = q
			return
		}
		for _, c := range q.Children {
			walk(c)
		}
	}
	walk(s.Root)
	return found
}

// LeafNames lists the leaf queues' paths, for "unknown queue" messages.
func (s *SchedulerInfo) LeafNames() []string {
	var out []string
	for _, q := range s.Leaves {
		out = append(out, q.Path)
	}
	return out
}

type wireQueue struct {
	Type                 string         `json:"type"`
	QueueName            string         `json:"queueName"`
	QueuePath            string         `json:"queuePath"`
	State                string         `json:"state"`
	Capacity             float64        `json:"capacity"`
	MaxCapacity          float64        `json:"maxCapacity"`
	AbsoluteCapacity     float64        `json:"absoluteCapacity"`
	AbsoluteMaxCapacity  float64        `json:"absoluteMaxCapacity"`
	AbsoluteUsedCapacity float64        `json:"absoluteUsedCapacity"`
	ResourcesUsed        Resource       `json:"resourcesUsed"`
	MaxEffectiveCapacity Resource       `json:"maxEffectiveCapacity"`
	MaximumAllocation    Resource       `json:"maximumAllocation"`
	AMResourceLimit      Resource       `json:"AMResourceLimit"`
	UsedAMResource       Resource       `json:"usedAMResource"`
	NumApplications      int            `json:"numApplications"`
	MaxApplications      int            `json:"maxApplications"`
	MaxLifetime          int64          `json:"maxApplicationLifetime"`
	QueueType            string         `json:"queueType"`
	Queues               *wireQueueList `json:"queues"`
}

type wireQueueList struct {
	Queue json.RawMessage `json:"queue"`
}

func (w *wireQueue) queue(leaves *[]*Queue, depth int) (*Queue, error) {
	if depth > 64 {
		return nil, fmt.Errorf("queue tree deeper than 64")
	}
	q := &Queue{Name: w.QueueName, Path: w.QueuePath, State: w.State,
		Capacity: w.Capacity, MaxCapacity: w.MaxCapacity, AbsCapacity: w.AbsoluteCapacity,
		AbsMaxCapacity: w.AbsoluteMaxCapacity, AbsUsed: w.AbsoluteUsedCapacity,
		Used: w.ResourcesUsed, MaxEffective: w.MaxEffectiveCapacity, MaxAllocation: w.MaximumAllocation,
		AMLimit: w.AMResourceLimit, AMUsed: w.UsedAMResource, NumApplications: w.NumApplications,
		MaxApplications: w.MaxApplications, MaxLifetimeSeconds: w.MaxLifetime}
	if q.Path == "" {
		q.Path = q.Name
	}
	q.Leaf = w.QueueType == "leaf" || strings.Contains(w.Type, "LeafQueue")
	if w.Queues != nil {
		kids, err := oneOrMany[wireQueue](w.Queues.Queue)
		if err != nil {
			return nil, err
		}
		for i := range kids {
			c, err := kids[i].queue(leaves, depth+1)
			if err != nil {
				return nil, err
			}
			q.Children = append(q.Children, c)
		}
	}
	if q.Leaf {
		*leaves = append(*leaves, q)
	}
	return q, nil
}

// Info returns the scheduler's type and, for the capacity scheduler, its
// queue tree.
func (s *Scheduler) Info(ctx context.Context) (*SchedulerInfo, error) {
	var w struct {
		Scheduler struct {
			Info json.RawMessage `json:"schedulerInfo"`
		} `json:"scheduler"`
	}
	if err := s.c.do(ctx, http.MethodGet, "/ws/v1/cluster/scheduler", nil, nil, &w); err != nil {
		return nil, err
	}
	var root wireQueue
	if err := json.Unmarshal(w.Scheduler.Info, &root); err != nil {
		return nil, fmt.Errorf("yarn: decoding scheduler info: %w", err)
	}
	info := &SchedulerInfo{Type: root.Type}
	if root.Type != CapacityScheduler {
		return info, nil
	}
	if root.QueueName == "" {
		root.QueueName = "root"
	}
	r, err := root.queue(&info.Leaves, 0)
	if err != nil {
		return nil, fmt.Errorf("yarn: decoding scheduler queues: %w", err)
	}
	r.Leaf = false
	info.Root = r
	return info, nil
}
