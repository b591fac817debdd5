package list

import (
	"context"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func TestFrameList(t *testing.T) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	c := &clitest.ClusterAPI{FrameList: []api.FrameInfo{
		{Name: "train", Rows: 4000, Columns: 9, Chunks: 3, MemBytes: 2 << 20, Source: "/d/a.csv"},
		{Name: "raw", Rows: 5000, Columns: 9, Chunks: 4, MemBytes: 3 << 20, Source: "/d/a.csv"},
	}}
	tests := []struct {
		tty    bool
		format cmdutil.OutputFormat
		want   string
	}{
		{true, cmdutil.OutputTable, "NAME   ROWS  COLUMNS  CHUNKS  MEMORY   SOURCE\nraw    5000  9        4       3.0 MiB  /d/a.csv\ntrain  4000  9        3       2.0 MiB  /d/a.csv\n"},
		{false, cmdutil.OutputTable, "NAME\tROWS\tCOLUMNS\tCHUNKS\tMEMORY\tSOURCE\nraw\t5000\t9\t4\t3145728\t/d/a.csv\ntrain\t4000\t9\t3\t2097152\t/d/a.csv\n"},
		{false, cmdutil.OutputYAML, "- name: raw\n  rows: 5000\n"},
	}
	for _, tt := range tests {
		f, ios := clitest.Factory(b, c)
		ios.SetStdoutTTY(tt.tty)
		err := Run(&ListOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Cluster: "demo", Output: tt.format})
		if err != nil {
			t.Fatal(err)
		}
		if got := clitest.Out(ios); !strings.HasPrefix(got, tt.want) {
			t.Errorf("tty=%v %s:\n%q\nwant prefix\n%q", tt.tty, tt.format, got, tt.want)
		}
	}
}

func TestFrameListNoCluster(t *testing.T) {
	t.Setenv(cmdutil.EnvCluster, "")
	f, _ := clitest.Factory(clitest.NewBackend("local"), &clitest.ClusterAPI{})
	if err := clitest.Exec(NewCmdList(f, nil)); errs.Code(err) != errs.Usage {
		t.Fatalf("code %d (%v)", errs.Code(err), err)
	}
	err := clitest.Exec(NewCmdList(f, nil), "--cluster", "nosuch")
	if errs.Code(err) != errs.NotFound {
		t.Fatalf("unknown cluster: code %d (%v)", errs.Code(err), err)
	}
}
