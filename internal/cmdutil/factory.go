package cmdutil

import (
	"context"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
)

// BuildInfo describes the running binary; cmd/mlctl fills it from -ldflags.
type BuildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"go_version"`
}

// Factory hands commands their dependencies. Everything that touches the
// outside world is a closure called only when a command needs it, so that
// `mlctl version` or a usage error never starts a backend.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// Now is the clock (tests pin it).
	Now func() time.Time
	// Backend returns the launcher backend called name ("local", "yarn");
	// "" means the default one.
	Backend func(name string) (launcher.Backend, error)
	// ClusterAPI returns a client of the named cluster's leader API. An
	// unknown cluster is an error wrapping fs.ErrNotExist.
	ClusterAPI func(ctx context.Context, cluster string) (ClusterAPI, error)
	// Executable is the path of the running mlctl (backends start it again
	// as engine nodes).
	Executable func() (string, error)
	Build      BuildInfo
	// Verbose is set by the persistent --verbose flag.
	Verbose bool
}

// ClusterAPI is what the CLI needs from a running cluster's leader. The real
// implementation is the HTTPS client of the leader API; tests use fakes.
// Unknown frames are errors wrapping fs.ErrNotExist.
type ClusterAPI interface {
	Cloud(ctx context.Context) (*api.CloudStatus, error)
	ImportFrame(ctx context.Context, req api.ImportRequest) (*api.Job, error)
	// WaitJob polls the job until it ends, calling progress on each
	// update, and returns the last state seen, also with an error. A failed
	// or cancelled job comes with an error wrapping *api.JobError; ctx
	// ending is a timeout error. Callers show the job's Warnings either way.
	WaitJob(ctx context.Context, id string, progress func(*api.Job)) (*api.Job, error)
	Frames(ctx context.Context) ([]api.FrameInfo, error)
	Frame(ctx context.Context, name string) (*api.FrameInfo, error)
	Summary(ctx context.Context, name string) (*api.Summary, error)
	Split(ctx context.Context, req api.SplitRequest) ([]api.FrameInfo, error)
	DeleteFrame(ctx context.Context, name string) error

	// Jobs lists the leader's jobs, newest first; Job returns one.
	Jobs(ctx context.Context) ([]api.Job, error)
	Job(ctx context.Context, id string) (*api.Job, error)
	// CancelJob asks a running job to stop; it ends in state "cancelled".
	CancelJob(ctx context.Context, id string) (*api.Job, error)

	// Train and Predict start jobs whose Result is the model id or the new
	// frame's name.
	Train(ctx context.Context, req api.TrainRequest) (*api.Job, error)
	Predict(ctx context.Context, req api.PredictRequest) (*api.Job, error)
	Models(ctx context.Context) ([]api.ModelInfo, error)
	Model(ctx context.Context, id string) (*api.Model, error)
	// ModelBody is the model's scoring form as JSON.
	ModelBody(ctx context.Context, id string) ([]byte, error)
	DeleteModel(ctx context.Context, id string) error
}

// The leader's HTTPS client is the real ClusterAPI.
var _ ClusterAPI = (*api.Client)(nil)
