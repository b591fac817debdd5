package delete

import (
	"context"
	"reflect"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func TestFrameDelete(t *testing.T) {
	for _, tty := range []bool{true, false} {
		b := clitest.NewBackend("local")
		b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
		c := &clitest.ClusterAPI{FrameList: []api.FrameInfo{{Name: "a"}, {Name: "b"}}}
		f, ios := clitest.Factory(b, c)
		ios.SetStderrTTY(tty)
		if err := Run(&DeleteOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Cluster: "demo", Names: []string{"a", "b"}}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c.Deleted, []string{"a", "b"}) {
			t.Errorf("deleted %v", c.Deleted)
		}
		if got := clitest.ErrOut(ios); (got == "") == tty {
			t.Errorf("tty=%v stderr %q", tty, got)
		}
		err := Run(&DeleteOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Cluster: "demo", Names: []string{"zzz"}})
		if errs.Code(err) != errs.NotFound {
			t.Errorf("unknown frame: code %d", errs.Code(err))
		}
		if err := clitest.Exec(NewCmdDelete(f, nil), "-c", "demo"); errs.Code(err) != errs.Usage {
			t.Errorf("no names: code %d", errs.Code(err))
		}
	}
}
