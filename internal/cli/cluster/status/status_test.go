package status

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func fixtures(state string) (*clitest.Backend, *clitest.ClusterAPI) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", Backend: "local", State: state, Nodes: 2,
		MemoryBytes: 1 << 30, CreatedAt: clitest.Now.Add(-2 * time.Hour), Leader: "127.0.0.1:54321"}
	c := &clitest.ClusterAPI{CloudStatus: &api.CloudStatus{
		Cluster: "demo", Healthy: true, Leader: 0, Size: 2, Formed: true,
		Started:  clitest.Now.Add(-2*time.Hour + 30*time.Second),
		LastWork: clitest.Now.Add(-42 * time.Second),
		Nodes: []api.NodeStatus{
			{Index: 0, Addr: "127.0.0.1:54321", PID: 101, Healthy: true, LastHeartbeat: clitest.Now.Add(-time.Second), MemBytes: 3 << 20},
			{Index: 1, Addr: "127.0.0.1:54322", PID: 102, Healthy: true, LastHeartbeat: clitest.Now.Add(-2 * time.Second), MemBytes: 1 << 20},
		},
	}}
	return b, c
}

func run(t *testing.T, b *clitest.Backend, c *clitest.ClusterAPI, name string, tty bool, format cmdutil.OutputFormat) (string, string, error) {
	t.Helper()
	f, ios := clitest.Factory(b, c)
	ios.SetStdoutTTY(tty)
	ios.SetStderrTTY(tty)
	err := Run(&StatusOptions{IO: ios, Backend: f.Backend, ClusterAPI: f.ClusterAPI, Now: f.Now,
		Ctx: context.Background(), Name: name, Output: format})
	return clitest.Out(ios), clitest.ErrOut(ios), err
}

func TestStatusTTY(t *testing.T) {
	b, c := fixtures("running")
	out, _, err := run(t, b, c, "demo", true, cmdutil.OutputTable)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"health   healthy\n",
		"leader   127.0.0.1:54321 (node 0)\n",
		"memory   1.0 GiB per node\n",
		"uptime   1h59m\n",
		"idle     42s\n",
		"INDEX  ADDR             PID  HEALTHY  LAST-HEARTBEAT  MEM\n",
		"1      127.0.0.1:54322  102  yes      2 seconds ago   1.0 MiB\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestStatusPiped(t *testing.T) {
	b, c := fixtures("running")
	out, _, err := run(t, b, c, "demo", false, cmdutil.OutputTable)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"state\trunning\n",
		"memory\t1073741824\n",
		"created\t2025-06-01T10:00:00Z\n",
		"uptime\t1h59m30s\n",
		"idle\t42s\n",
		"INDEX\tADDR\tPID\tHEALTHY\tLAST-HEARTBEAT\tMEM\n",
		"0\t127.0.0.1:54321\t101\tyes\t2025-06-01T11:59:59Z\t3145728\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestStatusJSON(t *testing.T) {
	b, c := fixtures("running")
	out, _, err := run(t, b, c, "demo", false, cmdutil.OutputJSON)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["record"] == nil || got["cloud"] == nil {
		t.Errorf("json keys: %s", out)
	}
}

func TestStatusStopped(t *testing.T) {
	b, c := fixtures("stopped")
	c.CloudErr = errors.New("must not be called")
	out, _, err := run(t, b, c, "demo", false, cmdutil.OutputTable)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "health") || !strings.Contains(out, "state\tstopped") {
		t.Errorf("stopped cluster shows the record only:\n%s", out)
	}
}

func TestStatusLeaderUnreachable(t *testing.T) {
	b, c := fixtures("running")
	c.CloudErr = errors.New("connection refused")
	out, _, err := run(t, b, c, "demo", false, cmdutil.OutputTable)
	if errs.Code(err) != errs.Error || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("code %d err %v", errs.Code(err), err)
	}
	if !strings.Contains(out, "name\tdemo") {
		t.Errorf("record must still be printed:\n%s", out)
	}
}

func TestStatusNotFound(t *testing.T) {
	b, c := fixtures("running")
	_, _, err := run(t, b, c, "nosuch", false, cmdutil.OutputTable)
	if errs.Code(err) != errs.NotFound || !strings.Contains(err.Error(), "nosuch") || !strings.Contains(errs.Hint(err), "mlctl cluster list") {
		t.Fatalf("code %d err %v hint %q", errs.Code(err), err, errs.Hint(err))
	}
}

// An unhealthy cloud: status shows which node is lost and exits 1 with
// what to do, naming commands that exist.
func TestStatusUnhealthy(t *testing.T) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running", Nodes: 3, Leader: "127.0.0.1:1"}
	c := &clitest.ClusterAPI{CloudStatus: &api.CloudStatus{Cluster: "demo", Healthy: false, Size: 3, Problem: "node 2 (h:3, pid 9) was lost",
		Nodes: []api.NodeStatus{{Index: 0, Healthy: true}, {Index: 1, Healthy: true}, {Index: 2, Healthy: false}}}}
	f, ios := clitest.Factory(b, c)
	err := Run(&StatusOptions{IO: ios, Backend: f.Backend, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: context.Background(), Name: "demo", Output: cmdutil.OutputTable})
	if errs.Code(err) != errs.Error || !strings.Contains(err.Error(), "node 2") || !strings.Contains(errs.Hint(err), "mlctl cluster stop demo") {
		t.Fatalf("unhealthy status: code %d, %v, hint %q", errs.Code(err), err, errs.Hint(err))
	}
	if out := clitest.Out(ios); !strings.Contains(out, "2/3 nodes healthy (lost: node 2)") {
		t.Errorf("status does not show the lost node:\n%s", out)
	}
}

// A YARN cluster with --max-uptime shows how long it has left.
func TestStatusLifetimeLeft(t *testing.T) {
	b := clitest.NewBackend("yarn")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", Backend: "yarn", State: "running", Nodes: 1, Leader: "127.0.0.1:1", EndsAt: clitest.Now.Add(90 * time.Minute)}
	c := &clitest.ClusterAPI{CloudStatus: &api.CloudStatus{Cluster: "demo", Healthy: true, Size: 1, Started: clitest.Now,
		Nodes: []api.NodeStatus{{Index: 0, Healthy: true}}}}
	f, ios := clitest.Factory(b, c)
	if err := Run(&StatusOptions{IO: ios, Backend: f.Backend, ClusterAPI: f.ClusterAPI, Now: f.Now, Ctx: context.Background(), Name: "demo", Output: cmdutil.OutputTable}); err != nil {
		t.Fatal(err)
	}
	if out := clitest.Out(ios); !strings.Contains(out, "lifetime left\t1h30m0s (until ") {
		t.Errorf("status:\n%s", out)
	}
}
