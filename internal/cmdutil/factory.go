package cmdutil

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/hdfs"
	"github.com/mlctl/mlctl/internal/config"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/profile"
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
	// HDFS returns the gateway's HDFS client, for commands that read or
	// write hdfs:// paths themselves (model export, score). It needs the
	// Hadoop configuration and, on a secure cluster, a Kerberos ticket.
	HDFS func(ctx context.Context) (HDFS, error)
	// Identity is who the user is on Hadoop (principal, short name), for
	// the lineage an artifact records; empty without Hadoop.
	Identity func(ctx context.Context) (principal, user string)
	// Policy loads the policy in force (--policy FILE > $MLCTL_POLICY >
	// /etc/mlctl/policy.yaml > the embedded default), once per run, after
	// the flags are parsed; PolicyFile and InsecurePolicy are those flags.
	Policy         func() (*profile.Policy, error)
	PolicyFile     string
	InsecurePolicy bool
	Build          BuildInfo
	// Verbose is set by the persistent --verbose flag.
	Verbose bool
	// Settings are the resolved configuration (flag > MLCTL_* > user file >
	// system file > default), set by the root command before a command
	// runs; nil for hidden commands (engine nodes) and in tests that build
	// a command alone.
	Settings *config.Settings
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
	// ModelExport is what an artifact of the model needs.
	ModelExport(ctx context.Context, id string) (*api.ModelExport, error)
	DeleteModel(ctx context.Context, id string) error

	// Save starts a job writing every frame and model into the saves
	// directory req.Dir (launcher.SaveDir); Restore starts one loading the
	// save its current.json points at. Pass WaitJob's error through
	// api.SaveJobError for the exit code (7 for a damaged save).
	Save(ctx context.Context, req api.SaveRequest) (*api.Job, error)
	Restore(ctx context.Context, req api.RestoreRequest) (*api.Job, error)
}

// HDFS is the part of the WebHDFS client commands use for their own files.
// Missing files are errors wrapping fs.ErrNotExist.
type HDFS interface {
	Stat(ctx context.Context, p string) (*hdfs.FileStatus, error)
	// Open reads length bytes from offset (length < 0: to the end).
	Open(ctx context.Context, p string, offset, length int64) (io.ReadCloser, error)
	// WriteFileAtomic writes through a temporary file and a rename.
	WriteFileAtomic(ctx context.Context, p string, data []byte, perm os.FileMode) error
	Create(ctx context.Context, p string, data func() io.Reader, perm os.FileMode, overwrite bool) error
	Rename(ctx context.Context, src, dst string) error
	Delete(ctx context.Context, p string, recursive bool) error
	// CheckAuthority refuses an hdfs:// URL authority that names another
	// file system than the default one.
	CheckAuthority(authority string) error
}

// The leader's HTTPS client is the real ClusterAPI.
var _ ClusterAPI = (*api.Client)(nil)
