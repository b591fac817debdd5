package yarn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Resource is an amount of memory (MB) and virtual cores.
type Resource struct {
	MemoryMB int64 `json:"memory"`
	VCores   int64 `json:"vCores"`
}

// App states, as the RM names them.
const (
	StateNew       = "NEW"
	StateNewSaving = "NEW_SAVING"
	StateSubmitted = "SUBMITTED"
	StateAccepted  = "ACCEPTED"
	StateRunning   = "RUNNING"
	StateFinished  = "FINISHED"
	StateFailed    = "FAILED"
	StateKilled    = "KILLED"
)

// Terminal reports whether an app in state will not change any more.
func Terminal(state string) bool {
	return state == StateFinished || state == StateFailed || state == StateKilled
}

// App is an application as GET /ws/v1/cluster/apps/{id} reports it.
type App struct {
	ID, User, Name   string
	Queue            string // the full path ("root.default"), whatever was submitted
	State            string
	FinalStatus      string // UNDEFINED, SUCCEEDED, FAILED, KILLED
	Progress         float64
	TrackingURL      string
	Diagnostics      string
	Type             string   // application-type
	Tags             []string // the RM lowercases tags
	Priority         int
	Started          time.Time
	Launched         time.Time
	Finished         time.Time // zero while running
	Elapsed          time.Duration
	AMContainerLogs  string
	AMHostHTTP       string
	MasterNodeID     string
	AMRPCAddress     string // host:port the AM registered (ours serves its status there)
	Allocated        Resource
	RunningContainer int
	Unmanaged        bool
	Lifetime         *Timeout // nil when the RM reports no LIFETIME timeout
}

// Timeout is an app's timeout; Expiry is zero when UNLIMITED.
type Timeout struct {
	Type      string // LIFETIME
	Expiry    time.Time
	Remaining time.Duration // -1s when UNLIMITED
}

// TimeFormat is the RM's timeout expiry format (ISO 8601 with milliseconds
// and a numeric zone).
const TimeFormat = "2006-01-02T15:04:05.000-0700"

type wireTimeout struct {
	Type      string `json:"type"`
	Expiry    string `json:"expiryTime"`
	Remaining int64  `json:"remainingTimeInSeconds,omitempty"`
}

func (w wireTimeout) timeout() *Timeout {
	t := &Timeout{Type: w.Type, Remaining: time.Duration(w.Remaining) * time.Second}
	if w.Expiry != "" && w.Expiry != "UNLIMITED" {
		t.Expiry, _ = time.Parse(TimeFormat, w.Expiry)
	}
	return t
}

type wireApp struct {
	ID                string  `json:"id"`
	User              string  `json:"user"`
	Name              string  `json:"name"`
	Queue             string  `json:"queue"`
	State             string  `json:"state"`
	FinalStatus       string  `json:"finalStatus"`
	Progress          float64 `json:"progress"`
	TrackingURL       string  `json:"trackingUrl"`
	Diagnostics       string  `json:"diagnostics"`
	ApplicationType   string  `json:"applicationType"`
	ApplicationTags   string  `json:"applicationTags"`
	Priority          int     `json:"priority"`
	StartedTime       int64   `json:"startedTime"`
	LaunchTime        int64   `json:"launchTime"`
	FinishedTime      int64   `json:"finishedTime"`
	ElapsedTime       int64   `json:"elapsedTime"`
	AMContainerLogs   string  `json:"amContainerLogs"`
	AMHostHTTPAddress string  `json:"amHostHttpAddress"`
	MasterNodeID      string  `json:"masterNodeId"`
	AMRPCAddress      string  `json:"amRPCAddress"`
	AllocatedMB       int64   `json:"allocatedMB"`
	AllocatedVCores   int64   `json:"allocatedVCores"`
	RunningContainers int     `json:"runningContainers"`
	Unmanaged         bool    `json:"unmanagedApplication"`
	Timeouts          struct {
		Timeout []wireTimeout `json:"timeout"`
	} `json:"timeouts"`
	// resourceSecondsMap is left out on purpose: 3.4.1 writes it with
	// duplicate "entry" keys, which is not JSON any decoder should trust.
}

func ms(v int64) time.Time {
	if v <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(v)
}

func (w *wireApp) app() *App {
	a := &App{ID: w.ID, User: w.User, Name: w.Name, Queue: w.Queue, State: w.State,
		FinalStatus: w.FinalStatus, Progress: w.Progress, TrackingURL: w.TrackingURL,
		Diagnostics: w.Diagnostics, Type: w.ApplicationType, Priority: w.Priority,
		Started: ms(w.StartedTime), Launched: ms(w.LaunchTime), Finished: ms(w.FinishedTime),
		Elapsed: time.Duration(w.ElapsedTime) * time.Millisecond, AMContainerLogs: w.AMContainerLogs,
		AMHostHTTP: w.AMHostHTTPAddress, MasterNodeID: w.MasterNodeID, AMRPCAddress: w.AMRPCAddress,
		Allocated:        Resource{MemoryMB: w.AllocatedMB, VCores: w.AllocatedVCores},
		RunningContainer: w.RunningContainers, Unmanaged: w.Unmanaged}
	for _, t := range strings.Split(w.ApplicationTags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			a.Tags = append(a.Tags, t)
		}
	}
	for _, t := range w.Timeouts.Timeout {
		if t.Type == "LIFETIME" {
			a.Lifetime = t.timeout()
		}
	}
	return a
}

// Attempt is one application attempt.
type Attempt struct {
	ID          string // appattempt_..._000001
	Number      int
	State       string // appAttemptState
	Started     time.Time
	Finished    time.Time
	ContainerID string // the AM container
	NodeID      string
	NodeHTTP    string
	LogsLink    string
}

type wireAttempt struct {
	ID              int    `json:"id"`
	StartTime       int64  `json:"startTime"`
	FinishedTime    int64  `json:"finishedTime"`
	ContainerID     string `json:"containerId"`
	NodeHTTPAddress string `json:"nodeHttpAddress"`
	NodeID          string `json:"nodeId"`
	LogsLink        string `json:"logsLink"`
	AppAttemptID    string `json:"appAttemptId"`
	AppAttemptState string `json:"appAttemptState"`
}

// Container is a container of an attempt, as the RM knows it.
type Container struct {
	ID         string
	Allocated  Resource
	NodeID     string
	NodeHTTP   string
	State      string
	ExitStatus int
	Started    time.Time
	Finished   time.Time
	LogURL     string
}

// looseInt reads a JSON number or a number in a string: the containers API
// of 3.4.1 writes every number as a string.
type looseInt int64

func (l *looseInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*l = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %s", b)
	}
	*l = looseInt(n)
	return nil
}

type wireContainer struct {
	ContainerID     string   `json:"containerId"`
	AllocatedMB     looseInt `json:"allocatedMB"`
	AllocatedVCores looseInt `json:"allocatedVCores"`
	AssignedNodeID  string   `json:"assignedNodeId"`
	StartedTime     looseInt `json:"startedTime"`
	FinishedTime    looseInt `json:"finishedTime"`
	LogURL          string   `json:"logUrl"`
	ExitStatus      looseInt `json:"containerExitStatus"`
	State           string   `json:"containerState"`
	NodeHTTPAddress string   `json:"nodeHttpAddress"`
	NodeID          string   `json:"nodeId"`
}

// oneOrMany decodes Jersey's JSON for a list, which is an object when the
// list has one element and an array otherwise.
func oneOrMany[T any](raw json.RawMessage) ([]T, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '[' {
		var out []T
		err := json.Unmarshal(raw, &out)
		return out, err
	}
	var one T
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, err
	}
	return []T{one}, nil
}
