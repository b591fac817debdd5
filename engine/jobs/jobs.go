package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/mlctl/mlctl/engine/api"
)

// Pruning limits: finished jobs beyond the newest MaxFinished, or finished
// longer than MaxAge ago, are forgotten.
const (
	MaxFinished = 200
	MaxAge      = 24 * time.Hour
)

// ErrCancelled is the cause a cancelled job's context carries.
var ErrCancelled = errors.New("cancelled by the user")

// Func is a job's work. It reports progress through p and returns the
// job's result (a frame name, a model id).
type Func func(ctx context.Context, p *Progress) (string, error)

// Progress is what a running job reports.
type Progress struct {
	r  *Registry
	js *job
}

// Set records the fraction done (0..1) and a message for the user.
func (p *Progress) Set(frac float64, msg string) {
	p.r.mu.Lock()
	p.js.job.Progress = frac
	p.js.job.Message = msg
	p.r.mu.Unlock()
}

// Warn adds a warning to the job.
func (p *Progress) Warn(w string) {
	p.r.mu.Lock()
	p.js.job.Warnings = append(p.js.job.Warnings, w)
	p.r.mu.Unlock()
}

// ID is the job's id.
func (p *Progress) ID() string { return p.js.job.ID }

type job struct {
	job    api.Job
	cancel context.CancelCauseFunc
	done   chan struct{}
}

// Registry holds a leader's jobs.
type Registry struct {
	mu    sync.Mutex
	jobs  map[string]*job
	clock func() time.Time
	// OnEnd, when set, is called after each job ends (e.g. to drop its node
	// state).
	OnEnd func(id string)
	// Log, when set, receives the stack of a job that panicked.
	Log func(format string, args ...any)
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{jobs: map[string]*job{}, clock: func() time.Time { return time.Now().UTC() }}
}

// Start runs fn in the background under a context derived from base (which
// a lost node cancels) and returns the job as it starts.
func (r *Registry) Start(base context.Context, kind, target string, fn Func) api.Job {
	b := make([]byte, 8)
	rand.Read(b)
	ctx, cancel := context.WithCancelCause(base)
	js := &job{job: api.Job{ID: kind + "-" + hex.EncodeToString(b), Kind: kind, Target: target, State: "running", Started: r.clock()}, cancel: cancel, done: make(chan struct{})}
	r.mu.Lock()
	r.jobs[js.job.ID] = js
	snap := js.job
	r.prune()
	r.mu.Unlock()
	go func() {
		defer close(js.done)
		defer cancel(nil)
		res, err := protect(func() (string, error) { return fn(ctx, &Progress{r: r, js: js}) })
		r.mu.Lock()
		js.job.Finished = r.clock()
		js.job.Result = res
		switch {
		case err == nil:
			js.job.State, js.job.Progress = "done", 1
		case errors.Is(context.Cause(ctx), ErrCancelled):
			js.job.State = "cancelled"
			js.job.Error = "cancelled by the user"
		default:
			js.job.State = "failed"
			js.job.Error = err.Error()
		}
		r.mu.Unlock()
		var pe *PanicError
		if errors.As(err, &pe) && r.Log != nil {
			r.Log("job %s panicked: %v\n%s", js.job.ID, pe.Value, pe.Stack)
		}
		if r.OnEnd != nil {
			r.OnEnd(js.job.ID)
		}
	}()
	return snap
}

// Get returns a snapshot of job id.
func (r *Registry) Get(id string) (api.Job, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	js, ok := r.jobs[id]
	if !ok {
		return api.Job{}, false
	}
	return snapshot(js), true
}

func snapshot(js *job) api.Job {
	j := js.job
	j.Warnings = append([]string(nil), j.Warnings...)
	return j
}

// List returns every job, newest first.
func (r *Registry) List() []api.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]api.Job, 0, len(r.jobs))
	for _, js := range r.jobs {
		out = append(out, snapshot(js))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Started.Equal(out[j].Started) {
			return out[i].Started.After(out[j].Started)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Cancel asks job id to stop and waits up to wait for it to end. A job that
// already ended is returned as it is.
func (r *Registry) Cancel(id string, wait time.Duration) (api.Job, error) {
	r.mu.Lock()
	js, ok := r.jobs[id]
	r.mu.Unlock()
	if !ok {
		return api.Job{}, fmt.Errorf("job %q does not exist", id)
	}
	js.cancel(ErrCancelled)
	select {
	case <-js.done:
	case <-time.After(wait):
	}
	j, _ := r.Get(id)
	return j, nil
}

// Running is the number of running jobs (the idle clock treats any as work).
func (r *Registry) Running() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, js := range r.jobs {
		if js.job.State == "running" {
			n++
		}
	}
	return n
}

// prune drops old finished jobs; r.mu is held.
func (r *Registry) prune() {
	now := r.clock()
	var finished []*job
	for id, js := range r.jobs {
		if js.job.State == "running" {
			continue
		}
		if now.Sub(js.job.Finished) > MaxAge {
			delete(r.jobs, id)
			continue
		}
		finished = append(finished, js)
	}
	if len(finished) <= MaxFinished {
		return
	}
	sort.Slice(finished, func(i, j int) bool { return finished[i].job.Finished.After(finished[j].job.Finished) })
	for _, js := range finished[MaxFinished:] {
		delete(r.jobs, js.job.ID)
	}
}

// PanicError is a job that panicked: a bug, reported as the job's failure
// instead of taking the leader (and the cluster) down with it.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("internal error (a bug; please report it with the leader's log): %v", e.Value)
}

func protect(fn func() (string, error)) (res string, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return fn()
}
