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
	"github.com/mlctl/mlctl/internal/errs"
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
	// WaitErr, when set, is returned by WaitJob with the last update (the
	// real client fails a failed or cancelled job this way).
	WaitErr error
	// WaitBlock makes WaitJob, after reporting JobUpdates, wait for ctx to
	// end (Ctrl-C) and fail as the real client does.
	WaitBlock bool
	// Waiting, when set, is closed once WaitJob starts blocking.
	Waiting chan struct{}

	JobList       []api.Job // Jobs and Job answer from these
	Cancelled     []string  // CancelJob ids, in order
	CancelErr     error
	ModelList     []api.ModelInfo
	ModelDetails  map[string]*api.Model
	ModelBodies   map[string][]byte
	ModelExports  map[string]*api.ModelExport
	DeletedModels []string
	Trains        []api.TrainRequest
	Predicts      []api.PredictRequest
	// TrainJob and PredictJob are what Train and Predict return (default:
	// a running job "job-1").
	TrainJob   *api.Job
	PredictJob *api.Job
	// Saves records Save and Restore calls (see save.go).
	Saves SaveFake
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
func (c *ClusterAPI) WaitJob(ctx context.Context, id string, progress func(*api.Job)) (*api.Job, error) {
	last := &api.Job{ID: id, State: "done", Progress: 1}
	for i := range c.JobUpdates {
		j := c.JobUpdates[i]
		last = &j
		if progress != nil {
			progress(last)
		}
	}
	if c.WaitBlock {
		if c.Waiting != nil {
			close(c.Waiting)
		}
		<-ctx.Done()
		return last, errs.New(errs.Timeout, fmt.Errorf("gave up waiting for job %s: %w", id, ctx.Err()), "")
	}
	if c.WaitErr == nil && (last.State == "failed" || last.State == "cancelled") {
		return last, errs.New(errs.Error, &api.JobError{Job: last}, "") // as the real client does
	}
	return last, c.WaitErr
}

// Jobs implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Jobs(context.Context) ([]api.Job, error) { return c.JobList, nil }

// Job implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Job(_ context.Context, id string) (*api.Job, error) {
	for _, j := range c.JobList {
		if j.ID == id {
			return &j, nil
		}
	}
	return nil, fmt.Errorf("job %s: %w", id, fs.ErrNotExist)
}

// CancelJob implements cmdutil.ClusterAPI: a running job in JobList
// becomes "cancelled"; others are returned as they are.
func (c *ClusterAPI) CancelJob(_ context.Context, id string) (*api.Job, error) {
	c.Cancelled = append(c.Cancelled, id)
	if c.CancelErr != nil {
		return nil, c.CancelErr
	}
	for i := range c.JobList {
		if j := &c.JobList[i]; j.ID == id {
			if j.State == "running" {
				j.State, j.Finished = "cancelled", Now
			}
			cp := *j
			return &cp, nil
		}
	}
	return nil, fmt.Errorf("job %s: %w", id, fs.ErrNotExist)
}

// Train implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Train(_ context.Context, req api.TrainRequest) (*api.Job, error) {
	c.Trains = append(c.Trains, req)
	if c.TrainJob != nil {
		j := *c.TrainJob
		return &j, nil
	}
	return &api.Job{ID: "job-1", Kind: "train", State: "running", Target: req.Frame}, nil
}

// Predict implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Predict(_ context.Context, req api.PredictRequest) (*api.Job, error) {
	c.Predicts = append(c.Predicts, req)
	if _, ok := c.ModelDetails[req.Model]; !ok {
		return nil, fmt.Errorf("model %s: %w", req.Model, fs.ErrNotExist)
	}
	if c.PredictJob != nil {
		j := *c.PredictJob
		return &j, nil
	}
	return &api.Job{ID: "job-1", Kind: "predict", State: "running", Target: req.Model}, nil
}

// Models implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Models(context.Context) ([]api.ModelInfo, error) { return c.ModelList, nil }

// Model implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Model(_ context.Context, id string) (*api.Model, error) {
	if m, ok := c.ModelDetails[id]; ok {
		return m, nil
	}
	return nil, fmt.Errorf("model %s: %w", id, fs.ErrNotExist)
}

// ModelExport implements cmdutil.ClusterAPI.
func (c *ClusterAPI) ModelExport(_ context.Context, id string) (*api.ModelExport, error) {
	if e, ok := c.ModelExports[id]; ok {
		return e, nil
	}
	return nil, fmt.Errorf("model %q: %w", id, fs.ErrNotExist)
}

// ModelBody implements cmdutil.ClusterAPI.
func (c *ClusterAPI) ModelBody(_ context.Context, id string) ([]byte, error) {
	if b, ok := c.ModelBodies[id]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("model %s: %w", id, fs.ErrNotExist)
}

// DeleteModel implements cmdutil.ClusterAPI.
func (c *ClusterAPI) DeleteModel(_ context.Context, id string) error {
	if _, ok := c.ModelDetails[id]; !ok {
		return fmt.Errorf("model %s: %w", id, fs.ErrNotExist)
	}
	delete(c.ModelDetails, id)
	c.DeletedModels = append(c.DeletedModels, id)
	return nil
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

// GBMModel is a binomial GBM as the leader describes it, for tests that
// print models.
func GBMModel() *api.Model {
	return &api.Model{
		ModelID: "gbm-1", Algo: "gbm", Target: "IsDelayed", Frame: "train_0", Valid: "train_1",
		Kind: "binomial", Classes: []string{"0", "1"},
		Params: map[string]any{"ntrees": 200.0, "max_depth": 6.0, "learn_rate": 0.1},
		Metrics: api.Metrics{
			Train: map[string]any{"auc": 0.8123456789, "logloss": 0.41, "nobs": 4000.0,
				"confusion_matrix": map[string]any{"labels": []any{"0", "1"}}},
			Valid: map[string]any{"auc": 0.74, "logloss": 0.52, "nobs": 1000.0},
		},
		TrainingTimeMS: 12345,
		VariableImportance: []api.VarImp{
			{Feature: "Origin", Importance: 50, Relative: 0.5, Percentage: 0.25},
			{Feature: "DepTime", Importance: 100, Relative: 1, Percentage: 0.5},
			{Feature: "Distance", Importance: 50, Relative: 0.5, Percentage: 0.25},
		},
		Iterations: 200, Features: []string{"DepTime", "Origin", "Distance"}, Rows: 4000,
		Created: Now.Add(-5 * time.Minute),
	}
}

// GLMModel is a binomial GLM with coefficients and their statistics.
func GLMModel() *api.Model {
	lambda := 0.0
	return &api.Model{
		ModelID: "glm-1", Algo: "glm", Target: "IsDelayed", Frame: "train_0",
		Kind: "binomial", Classes: []string{"0", "1"},
		Params:          map[string]any{"family": "binomial"},
		Metrics:         api.Metrics{Train: map[string]any{"auc": 0.7, "aic": 5000.5, "null_deviance": 5500.25}},
		Coefficients:    map[string]float64{"Intercept": -1.5, "DepTime": 0.001, "Distance": -0.0002},
		StdCoefficients: map[string]float64{"Intercept": -0.9, "DepTime": 0.45, "Distance": -0.1},
		StdErrors:       map[string]float64{"Intercept": 0.1, "DepTime": 0.0001, "Distance": 0.0001},
		ZValues:         map[string]float64{"Intercept": -15, "DepTime": 10, "Distance": -2},
		PValues:         map[string]float64{"Intercept": 0, "DepTime": 0, "Distance": 0.0455},
		Lambda:          &lambda, Iterations: 5, TrainingTimeMS: 800,
		Features: []string{"DepTime", "Distance"}, Rows: 4000, Created: Now.Add(-time.Hour),
	}
}
