package summary

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func fp(v float64) *api.Number { return api.NumberPtr(v) }
func ip(v int64) *int64        { return &v }

func fixture() (*clitest.Backend, *clitest.ClusterAPI) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	c := &clitest.ClusterAPI{Summaries: map[string]*api.Summary{"train": {
		Name: "train", Rows: 5000, Columns: []api.ColumnSummary{
			{Name: "DepTime", Type: "numeric", NACount: 12, Min: fp(1), Max: fp(2359), Mean: fp(1333.3333333333), SD: fp(478.123456789)},
			{Name: "Origin", Type: "categorical", Cardinality: ip(50)},
		},
	}}}
	return b, c
}

func TestSummaryOutput(t *testing.T) {
	b, c := fixture()
	tests := []struct {
		tty  bool
		want string
	}{
		{true, "train: 5000 rows, 2 columns\n\n" +
			"COLUMN   TYPE         NA  MIN  MAX   MEAN     SD       CARDINALITY\n" +
			"DepTime  numeric      12  1    2359  1333.33  478.123\n" +
			"Origin   categorical  0                                50\n"},
		{false, "COLUMN\tTYPE\tNA\tMIN\tMAX\tMEAN\tSD\tCARDINALITY\n" +
			"DepTime\tnumeric\t12\t1\t2359\t1333.3333333333\t478.123456789\t\n" +
			"Origin\tcategorical\t0\t\t\t\t\t50\n"},
	}
	for _, tt := range tests {
		f, ios := clitest.Factory(b, c)
		ios.SetStdoutTTY(tt.tty)
		if err := Run(&SummaryOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Cluster: "demo", Name: "train"}); err != nil {
			t.Fatal(err)
		}
		if got := clitest.Out(ios); got != tt.want {
			t.Errorf("tty=%v:\n%q\nwant\n%q", tt.tty, got, tt.want)
		}
	}
}

func TestSummaryJSONIsAPISummary(t *testing.T) {
	b, c := fixture()
	f, ios := clitest.Factory(b, c)
	if err := Run(&SummaryOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Cluster: "demo", Name: "train", Output: cmdutil.OutputJSON}); err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(c.Summaries["train"], "", "  ")
	if got := clitest.Out(ios); got != string(want)+"\n" {
		t.Errorf("json:\n%s\nwant\n%s", got, want)
	}
	if !bytes.Contains(want, []byte(`"cardinality": null`)) {
		t.Error("nulls must stay null")
	}
}

func TestSummaryErrors(t *testing.T) {
	b, c := fixture()
	f, ios := clitest.Factory(b, c)
	err := Run(&SummaryOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Cluster: "demo", Name: "nope"})
	if errs.Code(err) != errs.NotFound || errs.Hint(err) != "see the frames with: mlctl frame list --cluster demo" {
		t.Errorf("unknown frame: code %d hint %q", errs.Code(err), errs.Hint(err))
	}
	t.Setenv(cmdutil.EnvCluster, "")
	if err := clitest.Exec(NewCmdSummary(f, nil), "train"); errs.Code(err) != errs.Usage {
		t.Errorf("no cluster: code %d", errs.Code(err))
	}
}
