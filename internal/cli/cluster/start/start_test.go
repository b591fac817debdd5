package start

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func stopped(b *clitest.Backend) {
	b.Clusters["demo"] = &launcher.Record{Name: "demo", Backend: "local", State: "stopped", Nodes: 2, MemoryBytes: 1 << 30, VCores: 1,
		Dir: "/home/u/.mlctl/clusters/demo", Profile: "intern", MaxIdle: 30 * time.Minute, SaveOnStop: true,
		StopReason: "idle for 30m0s (max_idle 30m0s of profile intern)"}
}

func opts(b *clitest.Backend, c *clitest.ClusterAPI) (*StartOptions, func() (string, string)) {
	f, ios := clitest.Factory(b, c)
	return &StartOptions{IO: ios, Backend: f.Backend, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Name: "demo"},
		func() (string, string) { return clitest.Out(ios), clitest.ErrOut(ios) }
}

func TestStartRestartsFromTheRecordAndRestores(t *testing.T) {
	b := clitest.NewBackend("local")
	stopped(b)
	c := &clitest.ClusterAPI{JobUpdates: []api.Job{{ID: "job-1", Kind: "restore", State: "done", Result: "/home/u/.mlctl/clusters/demo/saves/s1", Message: "2 frames, 1 model"}}}
	o, out := opts(b, c)
	o.Output = "json"
	o.Nodes = 3
	if err := Run(o); err != nil {
		t.Fatal(err)
	}
	r := b.Clusters["demo"]
	if r.State != "running" || r.Nodes != 3 || r.MemoryBytes != 1<<30 || r.MaxIdle != 30*time.Minute || r.Profile != "intern" || !r.SaveOnStop || r.Restarts != 1 {
		t.Errorf("restarted record: %+v", r)
	}
	if len(c.Saves.RestoreReqs) != 1 || c.Saves.RestoreReqs[0].Dir != "/home/u/.mlctl/clusters/demo/saves" {
		t.Errorf("restores: %+v", c.Saves.RestoreReqs)
	}
	stdout, stderr := out()
	var got launcher.Record
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || got.Name != "demo" || got.State != "running" || got.MaxIdle != 30*time.Minute {
		t.Errorf("json output %q: %v", stdout, err)
	}
	if !strings.Contains(stderr, "Restored cluster demo from /home/u/.mlctl/clusters/demo/saves/s1: 2 frames, 1 model") {
		t.Errorf("stderr %q", stderr)
	}
}

func TestStartWithoutASaveStartsEmpty(t *testing.T) {
	b := clitest.NewBackend("local")
	stopped(b)
	c := &clitest.ClusterAPI{WaitErr: fmt.Errorf("restore failed: %s /home/u/.mlctl/clusters/demo/saves", api.NoSaveText)}
	o, _ := opts(b, c)
	if err := Run(o); err != nil {
		t.Fatalf("no save: %v", err)
	}
	c2 := &clitest.ClusterAPI{Saves: clitest.SaveFake{RestoreErr: fmt.Errorf("%s x", api.NoSaveText)}}
	stopped(b)
	o, _ = opts(b, c2)
	if err := Run(o); err != nil {
		t.Fatalf("no save (refused at once): %v", err)
	}
	stopped(b)
	o, _ = opts(b, c2)
	o.NoRestore = true
	c2.Saves.RestoreReqs = nil
	if err := Run(o); err != nil || len(c2.Saves.RestoreReqs) != 0 {
		t.Fatalf("--no-restore: %v, %d restores", err, len(c2.Saves.RestoreReqs))
	}
}

func TestStartFailedRestoreSaysTheClusterRuns(t *testing.T) {
	b := clitest.NewBackend("local")
	stopped(b)
	c := &clitest.ClusterAPI{WaitErr: errors.New(api.IntegrityText + " chunk 3 of frame a")}
	o, _ := opts(b, c)
	err := Run(o)
	if errs.Code(err) != errs.Integrity || !strings.Contains(err.Error(), "cluster demo started, but restoring its save") {
		t.Fatalf("damaged save: code %d: %v", errs.Code(err), err)
	}
	if b.Clusters["demo"].State != "running" {
		t.Error("the cluster is not running after a failed restore")
	}
}

func TestStartRefusesARunningCluster(t *testing.T) {
	for _, state := range []string{"running", "starting"} {
		b := clitest.NewBackend("local")
		b.Clusters["demo"] = &launcher.Record{Name: "demo", State: state}
		o, _ := opts(b, &clitest.ClusterAPI{})
		err := Run(o)
		if err == nil || !strings.Contains(err.Error(), "cluster demo is "+state) || !strings.Contains(errs.Hint(err), "mlctl cluster stop demo") {
			t.Errorf("%s: %v (hint %q)", state, err, errs.Hint(err))
		}
		for _, c := range b.Calls {
			if strings.HasPrefix(c, "restart") {
				t.Errorf("%s: restarted anyway", state)
			}
		}
	}
}

func TestStartUnknownCluster(t *testing.T) {
	o, _ := opts(clitest.NewBackend("local"), &clitest.ClusterAPI{})
	o.Name = "nosuch"
	if err := Run(o); errs.Code(err) != errs.NotFound || !strings.Contains(err.Error(), `"nosuch"`) {
		t.Fatalf("code %d: %v", errs.Code(err), err)
	}
}

// The policy's check sees the spec from the record and may refuse it
// (nothing starts) or fill it in.
func TestStartCheckHook(t *testing.T) {
	b := clitest.NewBackend("local")
	stopped(b)
	o, _ := opts(b, &clitest.ClusterAPI{})
	var seen launcher.Spec
	o.Nodes = 5
	o.Check = func(_ context.Context, s launcher.Spec) (launcher.Spec, error) {
		seen = s
		return s, errs.New(errs.Denied, errors.New("profile intern allows at most 2 nodes, asked for 5"), "ask admin@example.com")
	}
	if err := Run(o); errs.Code(err) != errs.Denied {
		t.Fatalf("denied: %v", err)
	}
	if seen.Name != "demo" || seen.Nodes != 5 || seen.Profile != "intern" || seen.MaxIdle != 30*time.Minute {
		t.Errorf("the check saw %+v", seen)
	}
	if b.Clusters["demo"].State != "stopped" {
		t.Error("a denied start started the cluster")
	}
	o.Check = func(_ context.Context, s launcher.Spec) (launcher.Spec, error) {
		s.Nodes, s.MaxUptime, s.Name = 2, time.Hour, "renamed"
		return s, nil
	}
	if err := Run(o); err != nil {
		t.Fatal(err)
	}
	if r := b.Clusters["demo"]; r.Nodes != 2 || r.MaxUptime != time.Hour {
		t.Errorf("the check's spec was not used: %+v", r)
	}
}

func TestStartFlags(t *testing.T) {
	b := clitest.NewBackend("local")
	f, _ := clitest.Factory(b, nil)
	var got *StartOptions
	run := func(o *StartOptions) error { got = o; return nil }
	if err := clitest.Exec(NewCmdStart(f, run), "demo", "--nodes", "4", "--memory", "2g", "--vcores", "2", "--timeout", "1m"); err != nil {
		t.Fatal(err)
	}
	if got.Name != "demo" || got.Nodes != 4 || got.MemoryBytes != 2<<30 || got.VCores != 2 || got.Timeout != time.Minute {
		t.Errorf("options %+v", got)
	}
	got = nil
	if err := clitest.Exec(NewCmdStart(f, run), "demo"); err != nil || got.Nodes != 0 || got.MemoryBytes != 0 || got.VCores != 0 {
		t.Errorf("defaults: %v %+v", err, got)
	}
	for _, args := range [][]string{{}, {"demo", "--nodes", "0"}, {"demo", "--wait=false"}, {"Bad_Name"}, {"demo", "--backend", "mesos"}} {
		if err := clitest.Exec(NewCmdStart(f, run), args...); errs.Code(err) != errs.Usage {
			t.Errorf("%v: code %d (%v), want usage", args, errs.Code(err), err)
		}
	}
}
