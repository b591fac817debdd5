package clitest

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"sync"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
)

// Now is the fixed clock of the fakes.
var Now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// Backend is an in-memory launcher.Backend.
type Backend struct {
	mu       sync.Mutex
	BName    string
	Clusters map[string]*launcher.Record
	Phases   []launcher.Progress // reported by Launch
	// LaunchErr, when set, is returned by Launch; Block makes Launch wait
	// for ctx to end (timeouts).
	LaunchErr error
	Block     bool
	Calls     []string
	LogText   string
}

// NewBackend returns an empty fake called name.
func NewBackend(name string) *Backend {
	return &Backend{BName: name, Clusters: map[string]*launcher.Record{}}
}

func notFound(name string) error {
	return fmt.Errorf("cluster record %s: %w", name, fs.ErrNotExist)
}

func (b *Backend) call(s string) {
	b.mu.Lock()
	b.Calls = append(b.Calls, s)
	b.mu.Unlock()
}

// Name implements launcher.Backend.
func (b *Backend) Name() string { return b.BName }

// Launch implements launcher.Backend.
func (b *Backend) Launch(ctx context.Context, spec launcher.Spec, wait bool, progress func(launcher.Progress)) (*launcher.Record, error) {
	b.call("launch " + spec.Name)
	if b.LaunchErr != nil {
		return nil, b.LaunchErr
	}
	b.mu.Lock()
	if _, ok := b.Clusters[spec.Name]; ok {
		b.mu.Unlock()
		return nil, fmt.Errorf("cluster %s: %w", spec.Name, fs.ErrExist)
	}
	b.mu.Unlock()
	for _, p := range b.Phases {
		if progress != nil {
			progress(p)
		}
	}
	if b.Block {
		<-ctx.Done()
		return nil, fmt.Errorf("waiting for cloud: %w", ctx.Err())
	}
	rec := &launcher.Record{Name: spec.Name, Backend: b.BName, State: "running", Nodes: spec.Nodes,
		MemoryBytes: spec.MemoryBytes, VCores: spec.VCores, Queue: spec.Queue, CreatedAt: Now.Add(-time.Hour),
		Leader: "127.0.0.1:54321", Owner: "alice"}
	b.mu.Lock()
	b.Clusters[spec.Name] = rec
	b.mu.Unlock()
	return rec, nil
}

// List implements launcher.Backend.
func (b *Backend) List(context.Context) ([]launcher.Record, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []launcher.Record{}
	for _, r := range b.Clusters {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name > out[j].Name })
	return out, nil
}

// Get implements launcher.Backend.
func (b *Backend) Get(_ context.Context, name string) (*launcher.Record, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.Clusters[name]
	if !ok {
		return nil, notFound(name)
	}
	c := *r
	return &c, nil
}

// Stop implements launcher.Backend.
func (b *Backend) Stop(_ context.Context, name string) error {
	b.call("stop " + name)
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.Clusters[name]
	if !ok {
		return notFound(name)
	}
	r.State, r.StoppedAt = "stopped", Now
	return nil
}

// Delete implements launcher.Backend.
func (b *Backend) Delete(_ context.Context, name string) error {
	b.call("delete " + name)
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.Clusters[name]; !ok {
		return notFound(name)
	}
	delete(b.Clusters, name)
	return nil
}

// Logs implements launcher.Backend.
func (b *Backend) Logs(_ context.Context, name string, node int, w io.Writer) error {
	if _, err := b.Get(context.Background(), name); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "node=%d %s", node, b.LogText)
	return err
}

// ClusterAPI is an in-memory cmdutil.ClusterAPI.
type ClusterAPI struct {
	CloudStatus *api.CloudStatus
	CloudErr    error
	FrameList   []api.FrameInfo
	Summaries   map[string]*api.Summary
	Imports     []api.ImportRequest
	Splits      []api.SplitRequest
	Deleted     []string
	JobUpdates  []api.Job // WaitJob reports these, returns the last
}

// Cloud implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Cloud(context.Context) (*api.CloudStatus, error) {
	return c.CloudStatus, c.CloudErr
}

// ImportFrame implements cmdutil.ClusterAPI.
func (c *ClusterAPI) ImportFrame(_ context.Context, req api.ImportRequest) (*api.Job, error) {
	c.Imports = append(c.Imports, req)
	return &api.Job{ID: "job-1", Kind: "import", State: "running"}, nil
}

// WaitJob implements cmdutil.ClusterAPI.
func (c *ClusterAPI) WaitJob(_ context.Context, id string, progress func(*api.Job)) (*api.Job, error) {
	last := &api.Job{ID: id, State: "done", Progress: 1}
	for i := range c.JobUpdates {
		j := c.JobUpdates[i]
		last = &j
		if progress != nil {
			progress(last)
		}
	}
	return last, nil
}

// Frames implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Frames(context.Context) ([]api.FrameInfo, error) { return c.FrameList, nil }

// Frame implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Frame(_ context.Context, name string) (*api.FrameInfo, error) {
	for _, f := range c.FrameList {
		if f.Name == name {
			return &f, nil
		}
	}
	return nil, fmt.Errorf("frame %s: %w", name, fs.ErrNotExist)
}

// Summary implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Summary(_ context.Context, name string) (*api.Summary, error) {
	if s, ok := c.Summaries[name]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("frame %s: %w", name, fs.ErrNotExist)
}

// Split implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Split(_ context.Context, req api.SplitRequest) ([]api.FrameInfo, error) {
	c.Splits = append(c.Splits, req)
	var out []api.FrameInfo
	for i, r := range req.Ratios {
		name := fmt.Sprintf("%s_%d", req.Frame, i)
		if i < len(req.Dest) {
			name = req.Dest[i]
		}
		out = append(out, api.FrameInfo{Name: name, Rows: int64(r * 1000), Columns: 9, Chunks: 3, MemBytes: 2048, Source: req.Frame})
	}
	return out, nil
}

// DeleteFrame implements cmdutil.ClusterAPI.
func (c *ClusterAPI) DeleteFrame(_ context.Context, name string) error {
	if _, err := c.Frame(context.Background(), name); err != nil {
		return err
	}
	c.Deleted = append(c.Deleted, name)
	return nil
}

// Factory returns a Factory over test streams, the fake backend (for every
// backend name) and the fake API (for clusters the backend knows).
func Factory(b *Backend, c *ClusterAPI) (*cmdutil.Factory, *iostreams.IOStreams) {
	ios, _, _, _ := iostreams.Test()
	return &cmdutil.Factory{
		IOStreams: ios,
		Now:       func() time.Time { return Now },
		Backend:   func(string) (launcher.Backend, error) { return b, nil },
		ClusterAPI: func(ctx context.Context, name string) (cmdutil.ClusterAPI, error) {
			if b != nil {
				if _, err := b.Get(ctx, name); err != nil {
					return nil, err
				}
			}
			return c, nil
		},
		Executable: func() (string, error) { return "/usr/bin/mlctl", nil },
		Build:      cmdutil.BuildInfo{Version: "v0.0.0-test", Commit: "abc123", GoVersion: "go1.26"},
	}, ios
}
