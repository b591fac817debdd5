package cancel

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func TestJobCancel(t *testing.T) {
	tests := []struct {
		name      string
		state     string
		cancelErr error
		tty       bool
		format    cmdutil.OutputFormat
		calls     int
		want      string
	}{
		{"running tty", "running", nil, true, cmdutil.OutputTable, 1, "Cancelled job job-3\n"},
		{"running piped", "running", nil, false, cmdutil.OutputTable, 1, "job-3\tcancelled\n"},
		{"running json", "running", nil, false, cmdutil.OutputJSON, 1, "{\n  \"id\": \"job-3\",\n  \"kind\": \"train\",\n  \"state\": \"cancelled\","},
		{"done tty", "done", nil, true, cmdutil.OutputTable, 0, "Job job-3 had already ended (done); nothing to cancel\n"},
		{"done piped", "done", nil, false, cmdutil.OutputTable, 0, "job-3\tdone\n"},
		{"cancelled tty", "cancelled", nil, true, cmdutil.OutputTable, 0, "Job job-3 had already ended (cancelled); nothing to cancel\n"},
	}
	for _, tt := range tests {
		b := clitest.NewBackend("local")
		b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
		c := &clitest.ClusterAPI{JobList: []api.Job{{ID: "job-3", Kind: "train", State: tt.state}}, CancelErr: tt.cancelErr}
		f, ios := clitest.Factory(b, c)
		ios.SetStdoutTTY(tt.tty)
		err := Run(&CancelOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Cluster: "demo", ID: "job-3", Output: tt.format})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(c.Cancelled) != tt.calls {
			t.Errorf("%s: %d cancel calls, want %d", tt.name, len(c.Cancelled), tt.calls)
		}
		if got := clitest.Out(ios); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s:\n%q\nwant prefix\n%q", tt.name, got, tt.want)
		}
	}
}

// racyAPI answers "running" to the first Job call and "done" afterwards,
// and refuses the cancel, like a leader whose job ended in between.
type racyAPI struct {
	*clitest.ClusterAPI
	calls int
}

func (r *racyAPI) Job(_ context.Context, id string) (*api.Job, error) {
	r.calls++
	if r.calls == 1 {
		return &api.Job{ID: id, State: "running"}, nil
	}
	return &api.Job{ID: id, State: "done"}, nil
}

func (r *racyAPI) CancelJob(context.Context, string) (*api.Job, error) {
	return nil, errors.New("job has ended")
}

func TestJobCancelRaceAndErrors(t *testing.T) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	f, ios := clitest.Factory(b, nil)
	racy := &racyAPI{ClusterAPI: &clitest.ClusterAPI{}}
	connect := func(context.Context, string) (cmdutil.ClusterAPI, error) { return racy, nil }
	if err := Run(&CancelOptions{IO: ios, ClusterAPI: connect, Ctx: context.Background(), Cluster: "demo", ID: "job-3"}); err != nil {
		t.Fatalf("a job that ended while cancelling is not an error: %v", err)
	}
	if got := clitest.Out(ios); got != "job-3\tdone\n" {
		t.Errorf("race: %q", got)
	}

	f, _ = clitest.Factory(b, &clitest.ClusterAPI{})
	err := clitest.Exec(NewCmdCancel(f, nil), "-c", "demo", "job-9")
	if errs.Code(err) != errs.NotFound || !strings.Contains(errs.Hint(err), "mlctl job list --cluster demo") {
		t.Errorf("unknown job: code %d %v", errs.Code(err), err)
	}
	if err := clitest.Exec(NewCmdCancel(f, nil), "-c", "demo"); errs.Code(err) != errs.Usage {
		t.Errorf("no id: code %d (%v)", errs.Code(err), err)
	}
	if err := clitest.Exec(NewCmdCancel(f, nil), "-c", "demo", "a", "b"); errs.Code(err) != errs.Usage {
		t.Errorf("two ids: code %d (%v)", errs.Code(err), err)
	}
}
