package stop

import (
	"context"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
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
