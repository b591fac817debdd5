package list

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

func fixtures() (*clitest.Backend, *clitest.ClusterAPI) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	now := clitest.Now
	c := &clitest.ClusterAPI{JobList: []api.Job{
		{ID: "job-3", Kind: "train", State: "running", Progress: 0.45, Target: "train_0", Started: now.Add(-90 * time.Second)},
		{ID: "job-2", Kind: "import", State: "done", Progress: 1, Target: "airline.csv", Result: "train",
			Started: now.Add(-10 * time.Minute), Finished: now.Add(-10*time.Minute + 2*time.Second)},
	}}
	return b, c
}

func TestJobList(t *testing.T) {
	tests := []struct {
		tty    bool
		format cmdutil.OutputFormat
		want   string
	}{
		{true, cmdutil.OutputTable, "" +
			"ID     KIND    STATE    PROGRESS  TARGET       RESULT  STARTED         DURATION\n" +
			"job-3  train   running  45%       train_0              1 minute ago    1m30s\n" +
			"job-2  import  done     100%      airline.csv  train   10 minutes ago  2s\n"},
		{false, cmdutil.OutputTable, "" +
			"ID\tKIND\tSTATE\tPROGRESS\tTARGET\tRESULT\tSTARTED\tDURATION\n" +
			"job-3\ttrain\trunning\t0.45\ttrain_0\t\t2025-06-01T11:58:30Z\t1m30s\n" +
			"job-2\timport\tdone\t1\tairline.csv\ttrain\t2025-06-01T11:50:00Z\t2s\n"},
		{false, cmdutil.OutputJSON, "[\n  {\n    \"id\": \"job-3\",\n    \"kind\": \"train\",\n"},
	}
	for _, tt := range tests {
		b, c := fixtures()
		f, ios := clitest.Factory(b, c)
		ios.SetStdoutTTY(tt.tty)
		err := Run(&ListOptions{IO: ios, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: context.Background(), Cluster: "demo", Output: tt.format})
		if err != nil {
			t.Fatal(err)
		}
		if got := clitest.Out(ios); !strings.HasPrefix(got, tt.want) {
			t.Errorf("tty=%v %s:\n%s\nwant prefix\n%s", tt.tty, tt.format, got, tt.want)
		}
	}
}

func TestJobListEmptyAndErrors(t *testing.T) {
	b, _ := fixtures()
	f, ios := clitest.Factory(b, &clitest.ClusterAPI{})
	if err := Run(&ListOptions{IO: ios, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: context.Background(), Cluster: "demo", Output: cmdutil.OutputJSON}); err != nil {
		t.Fatal(err)
	}
	if got := clitest.Out(ios); got != "[]\n" {
		t.Errorf("empty json: %q", got)
	}
	t.Setenv(cmdutil.EnvCluster, "")
	if err := clitest.Exec(NewCmdList(f, nil)); errs.Code(err) != errs.Usage {
		t.Errorf("no cluster: code %d (%v)", errs.Code(err), err)
	}
	if err := clitest.Exec(NewCmdList(f, nil), "-c", "demo", "extra"); errs.Code(err) != errs.Usage {
		t.Errorf("extra arg: code %d (%v)", errs.Code(err), err)
	}
	if err := clitest.Exec(NewCmdList(f, nil), "-c", "nosuch"); errs.Code(err) != errs.NotFound {
		t.Errorf("unknown cluster: code %d (%v)", errs.Code(err), err)
	}
}
