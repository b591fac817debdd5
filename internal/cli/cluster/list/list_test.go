package list

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func backend() *clitest.Backend {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", Backend: "local", State: "running", Nodes: 3,
		MemoryBytes: 1 << 30, CreatedAt: clitest.Now.Add(-5 * time.Minute)}
	b.Clusters["alpha"] = &launcher.Record{Name: "alpha", Backend: "yarn", State: "stopped", Nodes: 1,
		MemoryBytes: 512 << 20, CreatedAt: clitest.Now.Add(-3 * time.Hour)}
	return b
}

func run(t *testing.T, b *clitest.Backend, tty bool, format cmdutil.OutputFormat) (string, string) {
	t.Helper()
	f, ios := clitest.Factory(b, nil)
	ios.SetStdoutTTY(tty)
	ios.SetStderrTTY(tty)
	err := Run(&ListOptions{IO: ios, Backend: f.Backend, Now: f.Now, Ctx: context.Background(), Output: format})
	if err != nil {
		t.Fatal(err)
	}
	return clitest.Out(ios), clitest.ErrOut(ios)
}

func TestListTTY(t *testing.T) {
	out, _ := run(t, backend(), true, cmdutil.OutputTable)
	want := "" +
		"NAME   BACKEND  STATE    NODES  MEMORY     CREATED\n" +
		"alpha  yarn     stopped  1      512.0 MiB  3 hours ago\n" +
		"demo   local    running  3      1.0 GiB    5 minutes ago\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestListPiped(t *testing.T) {
	out, _ := run(t, backend(), false, cmdutil.OutputTable)
	want := "" +
		"NAME\tBACKEND\tSTATE\tNODES\tMEMORY\tCREATED\n" +
		"alpha\tyarn\tstopped\t1\t536870912\t2025-06-01T09:00:00Z\n" +
		"demo\tlocal\trunning\t3\t1073741824\t2025-06-01T11:55:00Z\n"
	if out != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
}

func TestListEmpty(t *testing.T) {
	out, errOut := run(t, clitest.NewBackend("local"), true, cmdutil.OutputTable)
	if out != "" || errOut == "" {
		t.Errorf("empty tty list: stdout %q stderr %q", out, errOut)
	}
	out, _ = run(t, clitest.NewBackend("local"), false, cmdutil.OutputJSON)
	if out != "[]\n" {
		t.Errorf("empty json list = %q", out)
	}
}

func TestListJSON(t *testing.T) {
	out, _ := run(t, backend(), false, cmdutil.OutputJSON)
	var recs []map[string]any
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0]["name"] != "alpha" || recs[1]["memory_bytes"] != float64(1<<30) {
		t.Errorf("json = %v", recs)
	}
}

func TestListArgs(t *testing.T) {
	f, _ := clitest.Factory(backend(), nil)
	err := clitest.Exec(NewCmdList(f, func(*ListOptions) error { return nil }), "extra")
	if errs.Code(err) != errs.Usage {
		t.Fatalf("code %d (%v)", errs.Code(err), err)
	}
}

// A running cluster whose cloud lost a node lists as degraded.
func TestListDegraded(t *testing.T) {
	c := &clitest.ClusterAPI{CloudStatus: &api.CloudStatus{Cluster: "demo", Healthy: false, Size: 3}}
	f, ios := clitest.Factory(backend(), c)
	if err := Run(&ListOptions{IO: ios, Backend: f.Backend, Now: f.Now, Ctx: context.Background(), ClusterAPI: f.ClusterAPI, Output: cmdutil.OutputTable}); err != nil {
		t.Fatal(err)
	}
	if out := clitest.Out(ios); !strings.Contains(out, "demo\tlocal\tdegraded\t3") || !strings.Contains(out, "alpha\tyarn\tstopped") {
		t.Errorf("list:\n%s", out)
	}
}

func TestListBackendFilter(t *testing.T) {
	f, ios := clitest.Factory(backend(), nil)
	if err := Run(&ListOptions{IO: ios, Backend: f.Backend, Now: f.Now, Ctx: context.Background(), BackendName: "yarn", Output: cmdutil.OutputTable}); err != nil {
		t.Fatal(err)
	}
	if out := clitest.Out(ios); !strings.Contains(out, "alpha\tyarn") || strings.Contains(out, "demo") {
		t.Errorf("--backend yarn lists:\n%s", out)
	}
}

// A record the backend could not refresh says so in the row, and why on
// stderr.
func TestListNotRefreshed(t *testing.T) {
	b := backend()
	b.Clusters["alpha"].State = "running"
	b.Clusters["alpha"].NotRefreshed = "no Kerberos ticket"
	out, errOut := run(t, b, false, cmdutil.OutputTable)
	if !strings.Contains(out, "alpha\tyarn\trunning (not refreshed)\t") || !strings.Contains(out, "demo\tlocal\trunning\t") {
		t.Errorf("rows:\n%s", out)
	}
	if !strings.Contains(errOut, "alpha: the state shown is the last one recorded: no Kerberos ticket") {
		t.Errorf("stderr: %q", errOut)
	}
}
