package show

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

func setup() (*clitest.Backend, *clitest.ClusterAPI) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	return b, &clitest.ClusterAPI{ModelDetails: map[string]*api.Model{"gbm-1": clitest.GBMModel()}}
}

func TestModelShow(t *testing.T) {
	b, c := setup()
	f, ios := clitest.Factory(b, c)
	var got *ShowOptions
	if err := clitest.Exec(NewCmdShow(f, func(o *ShowOptions) error { got = o; return nil }), "-c", "demo", "gbm-1", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	if got.ID != "gbm-1" || got.Output != cmdutil.OutputJSON {
		t.Fatalf("opts %+v", got)
	}
	got.Ctx = context.Background()
	if err := Run(got); err != nil {
		t.Fatal(err)
	}
	if out := clitest.Out(ios); !strings.HasPrefix(out, "{\n  \"model_id\": \"gbm-1\",\n  \"algo\": \"gbm\",\n") {
		t.Errorf("json:\n%s", out)
	}

	f, ios = clitest.Factory(b, c)
	if err := clitest.Exec(NewCmdShow(f, nil), "-c", "demo", "gbm-1"); err != nil {
		t.Fatal(err)
	}
	if out := clitest.Out(ios); !strings.HasPrefix(out, "model\tgbm-1\nalgo\tgbm (binomial: 0, 1)\n") {
		t.Errorf("piped summary:\n%s", out)
	}
}

func TestModelShowErrors(t *testing.T) {
	b, c := setup()
	f, _ := clitest.Factory(b, c)
	err := clitest.Exec(NewCmdShow(f, nil), "-c", "demo", "nosuch")
	if errs.Code(err) != errs.NotFound || err.Error() != `no model "nosuch" on cluster "demo"` ||
		errs.Hint(err) != "mlctl model list --cluster demo shows the models" {
		t.Errorf("unknown model: code %d %v (hint %q)", errs.Code(err), err, errs.Hint(err))
	}
	for _, bad := range [][]string{{"-c", "demo"}, {"-c", "demo", "a", "b"}, {"-c", "demo", "gbm-1", "-o", "xml"}} {
		if err := clitest.Exec(NewCmdShow(f, nil), bad...); errs.Code(err) != errs.Usage {
			t.Errorf("%v: code %d (%v)", bad, errs.Code(err), err)
		}
	}
	if err := clitest.Exec(NewCmdShow(f, nil), "-c", "nosuch", "gbm-1"); errs.Code(err) != errs.NotFound ||
		!strings.Contains(errs.Hint(err), "mlctl cluster list") {
		t.Errorf("unknown cluster: code %d (%v)", errs.Code(err), err)
	}
}
