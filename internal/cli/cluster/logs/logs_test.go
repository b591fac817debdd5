package logs

import (
	"context"
	"testing"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func TestLogs(t *testing.T) {
	b := clitest.NewBackend("local")
	b.LogText = "hello\n"
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	f, _ := clitest.Factory(b, nil)
	var got *LogsOptions
	if err := clitest.Exec(NewCmdLogs(f, func(o *LogsOptions) error { got = o; return nil }), "demo", "--node", "2"); err != nil {
		t.Fatal(err)
	}
	if got.Node != 2 || got.Name != "demo" {
		t.Errorf("opts %+v", got)
	}
	got.Ctx = context.Background()
	if err := Run(got); err != nil {
		t.Fatal(err)
	}
	if out := clitest.Out(f.IOStreams); out != "node=2 hello\n" {
		t.Errorf("stdout %q", out)
	}
}

func TestLogsErrors(t *testing.T) {
	f, ios := clitest.Factory(clitest.NewBackend("local"), nil)
	if err := clitest.Exec(NewCmdLogs(f, nil), "demo", "--node", "-3"); errs.Code(err) != errs.Usage {
		t.Fatalf("bad node: code %d", errs.Code(err))
	}
	err := Run(&LogsOptions{IO: ios, Backend: f.Backend, Ctx: context.Background(), Name: "nosuch", Node: -1})
	if errs.Code(err) != errs.NotFound {
		t.Fatalf("unknown cluster: code %d", errs.Code(err))
	}
}
