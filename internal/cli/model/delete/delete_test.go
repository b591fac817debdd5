package delete

import (
	"reflect"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func TestModelDelete(t *testing.T) {
	for _, tty := range []bool{true, false} {
		b := clitest.NewBackend("local")
		b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
		c := &clitest.ClusterAPI{ModelDetails: map[string]*api.Model{"gbm-1": clitest.GBMModel(), "glm-1": clitest.GLMModel()}}
		f, ios := clitest.Factory(b, c)
		ios.SetStderrTTY(tty)
		if err := clitest.Exec(NewCmdDelete(f, nil), "-c", "demo", "gbm-1", "glm-1"); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c.DeletedModels, []string{"gbm-1", "glm-1"}) {
			t.Errorf("deleted %v", c.DeletedModels)
		}
		want := ""
		if tty {
			want = "Deleted model gbm-1\nDeleted model glm-1\n"
		}
		if got := clitest.ErrOut(ios); got != want || clitest.Out(ios) != "" {
			t.Errorf("tty=%v: stderr %q stdout %q", tty, got, clitest.Out(ios))
		}

		err := clitest.Exec(NewCmdDelete(f, nil), "-c", "demo", "gbm-1")
		if errs.Code(err) != errs.NotFound || errs.Hint(err) != "mlctl model list --cluster demo shows the models" {
			t.Errorf("deleted twice: code %d %v", errs.Code(err), err)
		}
		if err := clitest.Exec(NewCmdDelete(f, nil), "-c", "demo"); errs.Code(err) != errs.Usage {
			t.Errorf("no id: code %d (%v)", errs.Code(err), err)
		}
	}
}
