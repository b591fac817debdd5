package delete

import (
	"context"
	"testing"

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
