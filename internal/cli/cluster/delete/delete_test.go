package delete

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mlctl/mlctl/internal/audit"
	"github.com/mlctl/mlctl/profile"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func TestDelete(t *testing.T) {
	for _, tty := range []bool{true, false} {
		b := clitest.NewBackend("local")
		b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
		f, ios := clitest.Factory(b, nil)
		ios.SetStderrTTY(tty)
		if err := Run(&DeleteOptions{IO: ios, Backend: f.Backend, Ctx: context.Background(), Name: "demo"}); err != nil {
			t.Fatal(err)
		}
		if _, ok := b.Clusters["demo"]; ok {
			t.Error("cluster still there")
		}
		if got := clitest.ErrOut(ios); (got != "") != tty {
			t.Errorf("tty=%v: stderr %q", tty, got)
		}
	}
}

func TestDeleteNotFound(t *testing.T) {
	f, ios := clitest.Factory(clitest.NewBackend("local"), nil)
	err := Run(&DeleteOptions{IO: ios, Backend: f.Backend, Ctx: context.Background(), Name: "nosuch"})
	if errs.Code(err) != errs.NotFound || errs.Hint(err) == "" {
		t.Fatalf("code %d err %v", errs.Code(err), err)
	}
	if err := clitest.Exec(NewCmdDelete(f, nil), "a", "b"); errs.Code(err) != errs.Usage {
		t.Fatalf("two names: code %d", errs.Code(err))
	}
}

// Deleting a live cluster stops it, and that stop is audited; deleting an
// ended one is not a stop.
func TestDeleteLiveIsAuditedStop(t *testing.T) {
	home := t.TempDir()
	t.Setenv("MLCTL_HOME", home)
	b := clitest.NewBackend("local")
	b.Clusters["live"] = &launcher.Record{Name: "live", Backend: "local", State: "running", Nodes: 2}
	b.Clusters["old"] = &launcher.Record{Name: "old", Backend: "local", State: "stopped"}
	f, _ := clitest.Factory(b, nil)
	f.Policy = func() (*profile.Policy, error) { return profile.Embedded(), nil }
	f.Identity = func(context.Context) (string, string) { return "", "ann" }
	for _, name := range []string{"live", "old"} {
		if err := clitest.Exec(NewCmdDelete(f, nil), name); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := audit.ReadFile(filepath.Join(home, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Action != "stop" || recs[0].Cluster != "live" || recs[0].Nodes != 2 || recs[0].Reason != "cluster delete" || recs[0].User != "ann" {
		t.Fatalf("audit %+v", recs)
	}
}
