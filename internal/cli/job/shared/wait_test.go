package shared

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
)

// tick is a clock that moves 10s on every reading.
func tick() func() time.Time {
	t := clitest.Now
	return func() time.Time { t = t.Add(10 * time.Second); return t }
}

func updates(n int) []api.Job {
	var js []api.Job
	for i := 1; i <= n; i++ {
		f := float64(i) / float64(n)
		js = append(js, api.Job{ID: "job-1", State: "running", Progress: f, Message: "tree " + strings.Repeat("x", i%3)})
	}
	js[len(js)-1].State = "done"
	return js
}

func TestWaitProgress(t *testing.T) {
	for _, tty := range []bool{true, false} {
		ios, _, _, errOut := iostreams.Test()
		ios.SetStderrTTY(tty)
		c := &clitest.ClusterAPI{JobUpdates: []api.Job{
			{ID: "job-1", State: "running", Progress: 0.1, Message: "tree 20/200 valid auc 0.70"},
			{ID: "job-1", State: "running", Progress: 0.5, Message: "tree 100/200 valid auc 0.71"},
			{ID: "job-1", State: "running", Progress: 0.55, Message: "tree 110/200 valid auc 0.71"},
			{ID: "job-1", State: "done", Progress: 1, Result: "gbm-1", Warnings: []string{"column X is constant"}},
		}}
		w := &Waiter{IO: ios, Client: c, Cluster: "demo", Now: tick(), Label: "training gbm"}
		j, err := w.Wait(context.Background(), &api.Job{ID: "job-1"})
		if err != nil || j.Result != "gbm-1" {
			t.Fatalf("tty=%v: %v %+v", tty, err, j)
		}
		got := errOut.String()
		if tty {
			// 0.4 done in 10s, 0.5 to go: 12.5s.
			want := "\rtraining gbm [##########..........]  50%  ETA 13s  tree 100/200 valid auc 0.71"
			if !strings.Contains(got, want) {
				t.Errorf("tty progress:\n%q\nwant it to contain\n%q", got, want)
			}
			if !strings.HasSuffix(got, "\rwarning: column X is constant\n") {
				t.Errorf("tty: the bar must be cleared before warnings: %q", got)
			}
		} else {
			want := "training gbm  10%  tree 20/200 valid auc 0.70\n" +
				"training gbm  50%  ETA 13s  tree 100/200 valid auc 0.71\n" +
				"training gbm 100%\n" +
				"warning: column X is constant\n"
			if got != want {
				t.Errorf("piped progress:\n%q\nwant\n%q", got, want)
			}
		}
	}
}

func TestWaitPipedPrintsAboutTenLines(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	c := &clitest.ClusterAPI{JobUpdates: updates(200)}
	w := &Waiter{IO: ios, Client: c, Cluster: "demo", Now: tick(), Label: "training gbm"}
	if _, err := w.Wait(context.Background(), &api.Job{ID: "job-1"}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(errOut.String(), "\n"); n < 10 || n > 12 {
		t.Errorf("piped: %d lines for 200 updates, want about 10:\n%s", n, errOut.String())
	}
}

func TestWaitFailed(t *testing.T) {
	for _, waitErr := range []error{nil, errors.New("train failed: boom")} {
		ios, _, _, _ := iostreams.Test()
		c := &clitest.ClusterAPI{WaitErr: waitErr, JobUpdates: []api.Job{
			{ID: "job-1", State: "failed", Error: "target IsDelayed not found"},
		}}
		w := &Waiter{IO: ios, Client: c, Cluster: "demo", Label: "training gbm"}
		_, err := w.Wait(context.Background(), &api.Job{ID: "job-1"})
		if errs.Code(err) != errs.Error || err.Error() != "training gbm failed: target IsDelayed not found" {
			t.Errorf("failed job: code %d %v", errs.Code(err), err)
		}
	}
	ios, _, _, _ := iostreams.Test()
	c := &clitest.ClusterAPI{JobUpdates: []api.Job{{ID: "job-1", State: "cancelled"}}}
	w := &Waiter{IO: ios, Client: c, Cluster: "demo", Label: "training gbm"}
	if _, err := w.Wait(context.Background(), &api.Job{ID: "job-1"}); err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("cancelled job: %v", err)
	}
}

// interrupt runs Wait and presses Ctrl-C once the wait blocks.
func interrupt(t *testing.T, ios *iostreams.IOStreams, c *clitest.ClusterAPI) error {
	t.Helper()
	c.WaitBlock, c.Waiting = true, make(chan struct{})
	c.JobUpdates = []api.Job{{ID: "job-1", State: "running", Progress: 0.3}}
	c.JobList = []api.Job{{ID: "job-1", Kind: "train", State: "running"}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-c.Waiting; cancel() }()
	w := &Waiter{IO: ios, Client: c, Cluster: "demo", Label: "training gbm"}
	_, err := w.Wait(ctx, &api.Job{ID: "job-1", State: "running"})
	if errs.Code(err) != errs.Interrupted || !errors.Is(err, context.Canceled) {
		t.Fatalf("Ctrl-C: code %d (%v), want 130 wrapping context.Canceled", errs.Code(err), err)
	}
	return err
}

func TestWaitInterrupt(t *testing.T) {
	const still = "job job-1 is still running on cluster demo; cancel it with: mlctl job cancel --cluster demo job-1\n"
	tests := []struct {
		name      string
		stdinTTY  bool
		answer    string
		cancelled bool
		stderr    string
	}{
		{"piped", false, "y\n", false, still},
		{"tty yes", true, "y\n", true, "Cancel job job-1 on the cluster? [y/N] job job-1: cancelled\n"},
		{"tty YES", true, "YES\n", true, "Cancel job job-1 on the cluster? [y/N] job job-1: cancelled\n"},
		{"tty no", true, "n\n", false, "Cancel job job-1 on the cluster? [y/N] " + still},
		{"tty enter", true, "\n", false, "Cancel job job-1 on the cluster? [y/N] " + still},
		{"tty eof", true, "", false, "Cancel job job-1 on the cluster? [y/N] " + still},
	}
	for _, tt := range tests {
		ios, in, _, errOut := iostreams.Test()
		ios.SetStdinTTY(tt.stdinTTY)
		in.WriteString(tt.answer)
		c := &clitest.ClusterAPI{}
		interrupt(t, ios, c)
		if (len(c.Cancelled) == 1) != tt.cancelled {
			t.Errorf("%s: cancel calls %v", tt.name, c.Cancelled)
		}
		if got := errOut.String(); !strings.HasSuffix(got, tt.stderr) {
			t.Errorf("%s: stderr\n%q\nwant suffix\n%q", tt.name, got, tt.stderr)
		}
	}

	// A cancel that fails falls back to the hint.
	ios, in, _, errOut := iostreams.Test()
	ios.SetStdinTTY(true)
	in.WriteString("y\n")
	c := &clitest.ClusterAPI{CancelErr: errors.New("leader unreachable")}
	interrupt(t, ios, c)
	if got := errOut.String(); !strings.Contains(got, "could not cancel job job-1: leader unreachable\n"+still) {
		t.Errorf("failed cancel: %q", got)
	}
}

func TestFormatETA(t *testing.T) {
	for d, want := range map[time.Duration]string{
		42*time.Second + 400*time.Millisecond:       "42s",
		3*time.Minute + 10*time.Second:              "3m10s",
		2*time.Hour + 5*time.Minute + 3*time.Second: "2h5m",
	} {
		if got := FormatETA(d); got != want {
			t.Errorf("FormatETA(%v) = %q, want %q", d, got, want)
		}
	}
}
