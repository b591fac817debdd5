package show

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func TestJobShow(t *testing.T) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	now := clitest.Now
	c := &clitest.ClusterAPI{JobList: []api.Job{{ID: "job-4", Kind: "train", State: "failed", Progress: 0.2,
		Message: "tree 40/200", Error: "out of memory", Warnings: []string{"a", "b"}, Target: "train_0",
		Started: now.Add(-time.Minute), Finished: now.Add(-30 * time.Second)}}}
	tests := []struct {
		tty    bool
		format cmdutil.OutputFormat
		want   string
	}{
		{false, cmdutil.OutputTable, "id\tjob-4\nkind\ttrain\nstate\tfailed\nprogress\t0.2\nmessage\ttree 40/200\n" +
			"target\ttrain_0\nresult\t\nstarted\t2025-06-01T11:59:00Z\nfinished\t2025-06-01T11:59:30Z\nduration\t30s\n" +
			"error\tout of memory\nwarnings\ta; b\n"},
		{true, cmdutil.OutputTable, "id        job-4\nkind      train\nstate     failed\nprogress  20%\n"},
		{false, cmdutil.OutputYAML, "id: job-4\nkind: train\nstate: failed\nprogress: 0.2\n"},
	}
	for _, tt := range tests {
		f, ios := clitest.Factory(b, c)
		ios.SetStdoutTTY(tt.tty)
		err := Run(&ShowOptions{IO: ios, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: context.Background(), Cluster: "demo", ID: "job-4", Output: tt.format})
		if err != nil {
			t.Fatal(err)
		}
		if got := clitest.Out(ios); !strings.HasPrefix(got, tt.want) {
			t.Errorf("tty=%v %s:\n%q\nwant prefix\n%q", tt.tty, tt.format, got, tt.want)
		}
	}

	f, _ := clitest.Factory(b, c)
	err := clitest.Exec(NewCmdShow(f, nil), "-c", "demo", "job-9")
	if errs.Code(err) != errs.NotFound || err.Error() != `no job "job-9" on cluster "demo"` ||
		errs.Hint(err) != "mlctl job list --cluster demo shows the jobs" {
		t.Errorf("unknown job: code %d %v (hint %q)", errs.Code(err), err, errs.Hint(err))
	}
	if err := clitest.Exec(NewCmdShow(f, nil), "-c", "demo"); errs.Code(err) != errs.Usage {
		t.Errorf("no id: code %d (%v)", errs.Code(err), err)
	}
}
