package leader

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/mlctl/mlctl/engine/api"
)

type jobState struct {
	job api.Job
}

// progressFunc reports a job's progress and message.
type progressFunc func(frac float64, msg string)

// startJob runs fn in the background as a job that a lost node cancels.
func (l *Leader) startJob(kind string, fn func(ctx context.Context, progress progressFunc, warn func(string)) (string, error)) api.Job {
	b := make([]byte, 8)
	rand.Read(b)
	js := &jobState{job: api.Job{ID: kind + "-" + hex.EncodeToString(b), Kind: kind, State: "running", Started: time.Now().UTC()}}
	l.mu.Lock()
	l.jobs[js.job.ID] = js
	snapshot := js.job
	l.mu.Unlock()
	go func() {
		ctx, done := l.operation(context.Background())
		defer done()
		progress := func(frac float64, msg string) {
			l.mu.Lock()
			js.job.Progress = frac
			js.job.Message = msg
			l.mu.Unlock()
		}
		warn := func(w string) {
			l.mu.Lock()
			js.job.Warnings = append(js.job.Warnings, w)
			l.mu.Unlock()
		}
		res, err := fn(ctx, progress, warn)
		l.mu.Lock()
		defer l.mu.Unlock()
		js.job.Finished = time.Now().UTC()
		js.job.Result = res
		if err != nil {
			js.job.State = "failed"
			js.job.Error = err.Error()
			l.log.Printf("job %s failed: %v", js.job.ID, err)
			return
		}
		js.job.State = "done"
		js.job.Progress = 1
	}()
	return snapshot
}

func (l *Leader) jobSnapshot(id string) (api.Job, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	js, ok := l.jobs[id]
	if !ok {
		return api.Job{}, false
	}
	j := js.job
	j.Warnings = append([]string(nil), j.Warnings...)
	return j, true
}
