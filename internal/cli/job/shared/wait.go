package shared

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
)

// Waiter follows one job on a cluster.
type Waiter struct {
	IO      *iostreams.IOStreams
	Client  cmdutil.ClusterAPI
	Cluster string
	// Now is the clock the ETA is measured with (nil: time.Now).
	Now func() time.Time
	// Label names the work in progress lines and errors ("training gbm").
	Label string
	// QuietWhenPiped prints no progress lines when stderr is not a terminal.
	QuietWhenPiped bool
	// DeferWarnings leaves a done job's warnings to the caller, for results
	// that repeat them (a model carries its job's warnings). A failed job's
	// warnings are always printed.
	DeferWarnings bool
}

// Ended reports whether a job in state s will not change any more.
func Ended(s string) bool { return s == "done" || s == "failed" || s == "cancelled" }

// Wait follows job until it ends, drawing progress on stderr, and returns it
// when it is done. A failed or cancelled job is an error (exit 1) carrying
// the job's message. When ctx ends (Ctrl-C), Wait asks on a terminal whether
// to cancel the job on the cluster, otherwise says how to, and returns an
// error with exit code 130 that wraps context.Canceled.
func (w *Waiter) Wait(ctx context.Context, job *api.Job) (*api.Job, error) {
	now := w.Now
	if now == nil {
		now = time.Now
	}
	pl := cmdutil.NewProgressLine(w.IO, w.QuietWhenPiped)
	eta := etaEstimator{now: now}
	last := job
	j, err := w.Client.WaitJob(ctx, job.ID, func(u *api.Job) {
		last = u
		pl.Set(progressKey(u), w.progressText(u, eta.estimate(u.Progress)))
	})
	pl.Done()
	if j != nil {
		last = j
	}
	if ctx.Err() != nil {
		return last, w.interrupted(ctx, last)
	}
	if !w.DeferWarnings || last.State != "done" {
		for _, warn := range last.Warnings {
			fmt.Fprintf(w.IO.ErrOut, "warning: %s\n", warn)
		}
	}
	switch {
	case last.State == "failed":
		msg := last.Error
		if msg == "" && err != nil {
			msg = err.Error()
		}
		return last, errs.New(errs.Error, fmt.Errorf("%s failed: %s", w.Label, msg), "")
	case last.State == "cancelled":
		return last, errs.New(errs.Error, fmt.Errorf("%s: job %s was cancelled", w.Label, last.ID), "")
	case err != nil:
		return last, fmt.Errorf("%s: %w", w.Label, err)
	}
	return last, nil
}

// progressText is "training gbm [#####.....]  50%  ETA 13s  tree 100/200
// valid auc 0.71" (no bar when piped). The ETA comes before the message so
// that a narrow terminal cuts the message, not the ETA.
func (w *Waiter) progressText(j *api.Job, eta time.Duration) string {
	text := fmt.Sprintf("%s %3.0f%%", w.Label, j.Progress*100)
	if w.IO.IsStderrTTY() {
		text = fmt.Sprintf("%s %s %3.0f%%", w.Label, cmdutil.Bar(j.Progress, 20), j.Progress*100)
	}
	if eta > 0 {
		text += "  ETA " + FormatETA(eta)
	}
	if j.Message != "" {
		text += "  " + j.Message
	}
	return text
}

// progressKey changes every tenth of a job's progress, so piped logs get
// about ten lines however many updates the job makes. (Keying on the
// message's words would print a line per update for a job whose messages
// alternate, such as a GLM's "iteration"/"lambda" lines.)
func progressKey(j *api.Job) string {
	return strconv.Itoa(int(min(max(j.Progress, 0), 1) * 10))
}

// etaEstimator extrapolates the rate seen since the first update, so that
// following a job that was already half done does not halve its ETA.
type etaEstimator struct {
	now   func() time.Time
	t0    time.Time
	frac0 float64
	seen  bool
}

func (e *etaEstimator) estimate(frac float64) time.Duration {
	t := e.now()
	if !e.seen {
		e.t0, e.frac0, e.seen = t, frac, true
		return 0
	}
	done := frac - e.frac0
	elapsed := t.Sub(e.t0)
	if done <= 0.01 || frac >= 1 || elapsed < time.Second {
		return 0
	}
	return time.Duration(float64(elapsed) * (1 - frac) / done)
}

// FormatETA rounds a remaining time for a progress line: "42s", "3m10s",
// "2h5m".
func FormatETA(d time.Duration) string {
	if d >= time.Hour {
		return strings.TrimSuffix(d.Truncate(time.Minute).String(), "0s")
	}
	return d.Round(time.Second).String()
}

// interrupted handles Ctrl-C during Wait; see Wait.
func (w *Waiter) interrupted(ctx context.Context, j *api.Job) error {
	ios := w.IO
	err := errs.New(errs.Interrupted, &interruptedError{job: j.ID, cause: context.Cause(ctx)}, "")
	if Ended(j.State) {
		return err
	}
	if ios.IsStdinTTY() {
		fmt.Fprintf(ios.ErrOut, "Cancel job %s on the cluster? [y/N] ", j.ID)
		if answerYes(ios.In) {
			// ctx is already cancelled; the cancel call needs its own.
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
			defer cancel()
			cj, cerr := w.Client.CancelJob(cctx, j.ID)
			if cerr == nil {
				fmt.Fprintf(ios.ErrOut, "job %s: %s\n", j.ID, cancelState(cj))
				return err
			}
			fmt.Fprintf(ios.ErrOut, "could not cancel job %s: %v\n", j.ID, cerr)
		}
	}
	fmt.Fprintf(ios.ErrOut, "job %s is still running on cluster %s; cancel it with: mlctl job cancel --cluster %s %s\n",
		j.ID, w.Cluster, w.Cluster, j.ID)
	return err
}

func cancelState(j *api.Job) string {
	if j == nil || j.State == "" || j.State == "running" {
		return "cancelling"
	}
	return j.State
}

// answerYes reads one line and reports whether it says yes. End of input
// (Ctrl-D) is no.
func answerYes(r io.Reader) bool {
	if r == nil {
		return false
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

// interruptedError is what main sees after Ctrl-C: it wraps
// context.Canceled so main says "interrupted".
type interruptedError struct {
	job   string
	cause error
}

func (e *interruptedError) Error() string {
	return fmt.Sprintf("interrupted while waiting for job %s", e.job)
}

func (e *interruptedError) Unwrap() error {
	if e.cause == nil {
		return context.Canceled
	}
	return e.cause
}
