package launcher

import (
	"context"
	"io"
	"path/filepath"
	"time"
)

// Spec is what a user asks for at launch.
type Spec struct {
	Name        string
	Backend     string // "local" | "yarn"
	Nodes       int
	MemoryBytes int64 // per node
	VCores      int   // per node
	Queue       string
	// MaxUptime, when set, is the cluster's lifetime: YARN kills the
	// application at launch + MaxUptime.
	MaxUptime time.Duration
	// NoLocalLimits lets an expert launch a local cluster larger than the
	// machine (see CheckLocal).
	NoLocalLimits bool

	// MaxIdle, when set, stops the cluster after this long without API
	// activity (a running job counts as activity): the leader ends a local
	// cluster, the AM unregisters a YARN one. The end state is stopped,
	// with the reason in Diagnostics. 0 = never.
	MaxIdle time.Duration
	// SaveOnStop makes the idle and uptime stops save the cluster's frames
	// and models first (the profile's cluster_save).
	SaveOnStop bool
	// Engine, when set, is the engine build the nodes run instead of this
	// mlctl: on yarn an hdfs:// path, on local a local file; its SHA-256 is
	// checked before launch. nil = run this mlctl, as before.
	Engine *EngineBinary
	// Env is extra environment of every node (the profile's env). Names
	// starting with MLCTL_ are refused: they are mlctl's own.
	Env map[string]string
	// AppName is the YARN application name ("" = the cluster name).
	AppName string
	// Profile names the policy profile the launch was checked against; it is
	// recorded in Record.Profile for admin views.
	Profile string
}

// EngineBinary is one engine version of the policy: a staged binary and its
// checksum.
type EngineBinary struct {
	Version string `json:"version"`
	Path    string `json:"path"`   // yarn: hdfs:// (or an absolute HDFS path); local: a local file
	SHA256  string `json:"sha256"` // hex, lower case
}

// Record is a cluster's durable record: the file under $MLCTL_HOME (local) or
// the user's HDFS home (yarn), mode 0600. JSON names are stable API.
type Record struct {
	Name        string    `json:"name"`
	Backend     string    `json:"backend"`
	State       string    `json:"state"` // starting | running | stopped | failed
	Nodes       int       `json:"nodes"`
	MemoryBytes int64     `json:"memory_bytes"`
	VCores      int       `json:"vcores"`
	Queue       string    `json:"queue,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	StoppedAt   time.Time `json:"stopped_at,omitzero"`
	EndsAt      time.Time `json:"ends_at,omitzero"`       // yarn: when the application's lifetime (--max-uptime) ends it
	Leader      string    `json:"leader,omitempty"`       // host:port of the leader API
	Token       string    `json:"token,omitempty"`        // bearer token for the leader API; never printed (see Redacted)
	TokenIn     string    `json:"token_in,omitempty"`     // in printed records: where the token is kept
	CACert      string    `json:"ca_cert,omitempty"`      // PEM of the cluster CA
	AppID       string    `json:"app_id,omitempty"`       // yarn
	PIDs        []int     `json:"pids,omitempty"`         // local
	AM          string    `json:"am,omitempty"`           // yarn: host:port of the AM's status and rendezvous
	Diagnostics string    `json:"diagnostics,omitempty"`  // yarn: why the application ended
	YARNState   string    `json:"yarn_state,omitempty"`   // yarn: the application's state/final status
	TrackingURL string    `json:"tracking_url,omitempty"` // yarn: the RM's page for the application
	Dir         string    `json:"dir,omitempty"`          // local: the cluster directory
	Owner       string    `json:"owner"`
	Binary      string    `json:"binary,omitempty"` // yarn: the staged mlctl on HDFS the containers run

	// What a restart (mlctl cluster start) needs to launch the same spec
	// again, and what admin views show.
	Profile    string            `json:"profile,omitempty"`
	MaxIdle    time.Duration     `json:"-"` // JSON: max_idle, a Go duration string (see MarshalJSON)
	MaxUptime  time.Duration     `json:"-"` // JSON: max_uptime
	SaveOnStop bool              `json:"save_on_stop,omitempty"`
	Engine     *EngineBinary     `json:"engine,omitempty"`
	Env        map[string]string `json:"env,omitempty"`
	AppName    string            `json:"app_name,omitempty"`
	// StopReason says why mlctl (not the user) stopped the cluster, e.g.
	// "idle for 30m0s (max_idle of profile intern)"; also in Diagnostics.
	StopReason string `json:"stop_reason,omitempty"`
	// Restarts counts the times mlctl cluster start relaunched it.
	Restarts int `json:"restarts,omitempty"`
	// NotRefreshed, in listings, says why the state is the last one
	// recorded and not the backend's current one (YARN unreachable, no
	// ticket, ...). Never stored.
	NotRefreshed string `json:"not_refreshed,omitempty"`
}

// Progress is reported while a launch waits for the cloud.
type Progress struct {
	Phase  string // e.g. "starting nodes", "forming cloud"
	Joined int
	Wanted int
}

// Backend runs clusters somewhere: child processes here (local) or YARN.
type Backend interface {
	Name() string
	// Launch starts a cluster. With wait, it returns once the cloud is formed
	// (progress is called as it goes); without, once the nodes are started.
	// An existing cluster of that name is ErrExists.
	Launch(ctx context.Context, spec Spec, wait bool, progress func(Progress)) (*Record, error)
	List(ctx context.Context) ([]Record, error)
	// Get returns ErrNotFound (wrapped) for an unknown name.
	Get(ctx context.Context, name string) (*Record, error)
	// Stop ends the cluster's processes and marks the record stopped.
	Stop(ctx context.Context, name string) error
	// Delete removes a stopped cluster's record and files (stopping it first).
	Delete(ctx context.Context, name string) error
	// Logs writes node's log (node < 0: all nodes, each line prefixed).
	Logs(ctx context.Context, name string, node int, w io.Writer) error
}

// Redacted is the record as mlctl prints it: without the bearer token,
// which would end up in CI logs and on shared screens, and with TokenIn
// saying where the token is kept instead.
func Redacted(r Record) Record {
	if r.Token == "" {
		return r
	}
	r.Token = ""
	switch {
	case r.Dir != "":
		r.TokenIn = filepath.Join(r.Dir, recordFile) + " (mode 0600)"
	case r.Backend == "yarn" && r.Owner != "":
		r.TokenIn = "hdfs:///user/" + r.Owner + "/.mlctl/clusters/" + r.Name + "/record.json (mode 0600)"
	default:
		r.TokenIn = "the cluster record (mode 0600)"
	}
	return r
}

// Spec is the launch spec that made rec, for a restart: the same backend,
// sizes, queue and profile limits, under the same name.
func (r *Record) Spec() Spec {
	return Spec{
		Name: r.Name, Backend: r.Backend, Nodes: r.Nodes, MemoryBytes: r.MemoryBytes, VCores: r.VCores,
		Queue: r.Queue, MaxUptime: r.MaxUptime, MaxIdle: r.MaxIdle, SaveOnStop: r.SaveOnStop,
		Engine: r.Engine, Env: r.Env, AppName: r.AppName, Profile: r.Profile,
	}
}

// recordSpec copies the spec's restart fields into a new record.
func recordSpec(r *Record, spec Spec) {
	r.Profile, r.MaxIdle, r.MaxUptime, r.SaveOnStop = spec.Profile, spec.MaxIdle, spec.MaxUptime, spec.SaveOnStop
	r.Engine, r.Env, r.AppName = spec.Engine, spec.Env, spec.AppName
}
