package stop

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/audit"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/profile"
)

func TestStop(t *testing.T) {
	for _, tty := range []bool{true, false} {
		b := clitest.NewBackend("local")
		b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
		f, ios := clitest.Factory(b, nil)
		ios.SetStderrTTY(tty)
		if err := Run(&StopOptions{IO: ios, Backend: f.Backend, Ctx: context.Background(), Name: "demo"}); err != nil {
			t.Fatal(err)
		}
		if b.Clusters["demo"].State != "stopped" {
			t.Errorf("state = %s", b.Clusters["demo"].State)
		}
		wantErr := ""
		if tty {
			wantErr = "Stopped cluster demo\n"
		}
		if clitest.ErrOut(ios) != wantErr || clitest.Out(ios) != "" {
			t.Errorf("tty=%v: stdout %q stderr %q", tty, clitest.Out(ios), clitest.ErrOut(ios))
		}
	}
}

func TestStopNotFound(t *testing.T) {
	f, ios := clitest.Factory(clitest.NewBackend("local"), nil)
	err := Run(&StopOptions{IO: ios, Backend: f.Backend, Ctx: context.Background(), Name: "nosuch"})
	if errs.Code(err) != errs.NotFound || !strings.Contains(err.Error(), `"nosuch"`) || !strings.Contains(errs.Hint(err), "mlctl cluster list") {
		t.Fatalf("code %d err %v hint %q", errs.Code(err), err, errs.Hint(err))
	}
}

func TestStopArgs(t *testing.T) {
	f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
	var got *StopOptions
	if err := clitest.Exec(NewCmdStop(f, func(o *StopOptions) error { got = o; return nil }), "demo"); err != nil || got.Name != "demo" {
		t.Fatalf("err %v opts %+v", err, got)
	}
	if err := clitest.Exec(NewCmdStop(f, nil)); errs.Code(err) != errs.Usage {
		t.Fatalf("no name: code %d", errs.Code(err))
	}
}

func runningDemo(backend string) *clitest.Backend {
	b := clitest.NewBackend(backend)
	b.Clusters["demo"] = &launcher.Record{Name: "demo", Backend: backend, State: "running", Dir: "/home/u/.mlctl/clusters/demo", Owner: "alice"}
	return b
}

// --save saves into the backend's saves directory, says where and how
// much, then stops.
func TestStopSave(t *testing.T) {
	for _, backend := range []string{"local", "yarn"} {
		b := runningDemo(backend)
		loc := launcher.SaveDir(b.Clusters["demo"]) + "/20261202T070000.000Z-0a1b2c3d"
		c := &clitest.ClusterAPI{JobUpdates: []api.Job{
			{ID: "job-1", Kind: "save", State: "running", Progress: 0.5, Message: "saved frame air (3 of 6 chunks)"},
			{ID: "job-1", Kind: "save", State: "done", Progress: 1, Result: loc, Message: "1 frame (6 chunks) and 0 models, 1.5 MiB (1572864 bytes)"},
		}}
		f, ios := clitest.Factory(b, c)
		err := clitest.Exec(NewCmdStop(f, nil), "demo", "--save")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"local": "/home/u/.mlctl/clusters/demo/saves", "yarn": "hdfs:///user/alice/.mlctl/clusters/demo/saves"}[backend]
		if len(c.Saves.SaveReqs) != 1 || c.Saves.SaveReqs[0].Dir != want {
			t.Errorf("%s: save requests %+v, want dir %s", backend, c.Saves.SaveReqs, want)
		}
		if b.Clusters["demo"].State != "stopped" {
			t.Errorf("%s: not stopped after the save", backend)
		}
		if e := clitest.ErrOut(ios); !strings.Contains(e, "Saved cluster demo to "+loc+": 1 frame (6 chunks) and 0 models, 1.5 MiB") {
			t.Errorf("%s: stderr %q", backend, e)
		}
	}
}

// A failed save leaves the cluster running, exit 1, and says so.
func TestStopSaveFails(t *testing.T) {
	b := runningDemo("local")
	c := &clitest.ClusterAPI{JobUpdates: []api.Job{{ID: "job-1", Kind: "save", State: "failed",
		Error: "saving to /home/u/.mlctl/clusters/demo/saves failed (the previous save x is intact): writing ...: no space left on device"}}}
	f, _ := clitest.Factory(b, c)
	err := clitest.Exec(NewCmdStop(f, nil), "demo", "--save")
	if errs.Code(err) != errs.Error || !strings.Contains(err.Error(), "cluster demo was not stopped") || !strings.Contains(err.Error(), "no space left") ||
		!strings.Contains(errs.Hint(err), "--save again") {
		t.Fatalf("exit %d err %v hint %q", errs.Code(err), err, errs.Hint(err))
	}
	if b.Clusters["demo"].State != "running" {
		t.Errorf("the cluster was stopped although its save failed")
	}
	for _, call := range b.Calls {
		if strings.HasPrefix(call, "stop") {
			t.Errorf("backend got %q", call)
		}
	}

	// The leader refusing the save outright is the same.
	c = &clitest.ClusterAPI{}
	c.Saves.SaveErr = errs.New(errs.Error, errors.New("a save or restore is already running"), "wait for it (mlctl job list)")
	f, _ = clitest.Factory(b, c)
	err = clitest.Exec(NewCmdStop(f, nil), "demo", "--save")
	if err == nil || !strings.Contains(err.Error(), "not stopped") || errs.Hint(err) != "wait for it (mlctl job list)" || b.Clusters["demo"].State != "running" {
		t.Errorf("refused save: %v hint %q state %s", err, errs.Hint(err), b.Clusters["demo"].State)
	}
}

// A stopped cluster has nothing to save; --save says so and does nothing.
func TestStopSaveStopped(t *testing.T) {
	b := runningDemo("local")
	b.Clusters["demo"].State = "stopped"
	c := &clitest.ClusterAPI{}
	f, _ := clitest.Factory(b, c)
	err := clitest.Exec(NewCmdStop(f, nil), "demo", "--save")
	if errs.Code(err) != errs.Error || !strings.Contains(err.Error(), "nothing in memory to save") || len(c.Saves.SaveReqs) != 0 {
		t.Fatalf("exit %d err %v saves %v", errs.Code(err), err, c.Saves.SaveReqs)
	}
	if err := clitest.Exec(NewCmdStop(f, nil), "nosuch", "--save"); errs.Code(err) != errs.NotFound {
		t.Errorf("unknown cluster: exit %d %v", errs.Code(err), err)
	}
}

// A cluster with nothing in it writes no save: the command says so and stops.
func TestStopSaveEmpty(t *testing.T) {
	b := runningDemo("local")
	c := &clitest.ClusterAPI{JobUpdates: []api.Job{{ID: "job-1", Kind: "save", State: "done", Progress: 1,
		Message: "it holds no frames or models, so no save was written; the previous save 20261202T070000.000Z-0a1b2c3d stays the one to restore"}}}
	f, ios := clitest.Factory(b, c)
	if err := clitest.Exec(NewCmdStop(f, nil), "demo", "--save"); err != nil {
		t.Fatal(err)
	}
	if e := clitest.ErrOut(ios); !strings.Contains(e, "Cluster demo: it holds no frames or models, so no save was written; the previous save") || strings.Contains(e, "Saved") {
		t.Errorf("stderr %q", e)
	}
	if b.Clusters["demo"].State != "stopped" {
		t.Error("not stopped")
	}
}

// With a policy, the save and the stop each get an audit line, a failed
// save with its error.
func TestStopAudited(t *testing.T) {
	home := t.TempDir()
	t.Setenv("MLCTL_HOME", home)
	b := runningDemo("local")
	c := &clitest.ClusterAPI{}
	f, _ := clitest.Factory(b, c)
	f.Policy = func() (*profile.Policy, error) { return profile.Embedded(), nil }
	f.Identity = func(context.Context) (string, string) { return "", "ann" }
	if err := clitest.Exec(NewCmdStop(f, nil), "demo", "--save"); err != nil {
		t.Fatal(err)
	}
	b2 := runningDemo("local")
	c2 := &clitest.ClusterAPI{}
	c2.Saves.SaveErr = errors.New("disk full")
	f2, _ := clitest.Factory(b2, c2)
	f2.Policy, f2.Identity = f.Policy, f.Identity
	if err := clitest.Exec(NewCmdStop(f2, nil), "demo", "--save"); err == nil {
		t.Fatal("a failed save stopped")
	}
	recs, err := audit.ReadFile(filepath.Join(home, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.User+" "+r.Action+" "+r.Cluster+" "+r.Outcome)
	}
	want := []string{"ann save demo ok", "ann stop demo ok", "ann save demo failed"}
	if strings.Join(got, "|") != strings.Join(want, "|") || !strings.Contains(recs[2].Reason, "disk full") {
		t.Errorf("audit %v (%q)", got, recs[len(recs)-1].Reason)
	}
}
