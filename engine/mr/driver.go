package mr

import (
	"context"
	"errors"
	"fmt"

	"github.com/mlctl/mlctl/engine/frame"
)

// Driver is what an algorithm (engine/glm, engine/gbm) runs against: an
// executor over the cloud, frame lookup, job-scoped working frames and node
// state, progress and cancellation. The leader implements it per job;
// algorithms never import the leader.
type Driver interface {
	Executor
	// Frame returns a frame's metadata, or an error wrapping ErrNoFrame.
	Frame(name string) (*frame.Frame, error)
	// Job is the job id; node state and working frames are scoped to it and
	// dropped when the job ends.
	Job() string
	// WorkFrame registers a frame an emitting task made. Working frames of
	// the job (temp) are dropped when it ends; others are kept as results.
	WorkFrame(f *frame.Frame, temp bool) error
	// DropFrame removes a frame from every node.
	DropFrame(ctx context.Context, name string) error
	// Progress reports the fraction done and a line for the user.
	Progress(frac float64, msg string)
}

// ErrNoFrame is wrapped by Driver.Frame for an unknown frame.
var ErrNoFrame = errors.New("no such frame")

// Cancelled is the cause a job's context carries when a user cancels it.
var Cancelled = errors.New("cancelled by the user")

// TempName is the name of a job's working frame.
func TempName(job, what string) string { return fmt.Sprintf("_%s_%s", job, what) }
