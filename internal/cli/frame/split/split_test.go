package split

import (
	"context"
	"reflect"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func TestValidateRatios(t *testing.T) {
	tests := []struct {
		in    []float64
		parts int
		ok    bool
	}{
		{[]float64{0.8, 0.2}, 2, true},
		{[]float64{0.7, 0.2, 0.1}, 3, true}, // sums to 1 within 1e-9
		{[]float64{0.7, 0.15}, 3, true},
		{[]float64{1}, 1, true},
		{nil, 0, false},
		{[]float64{0.8, 0.3}, 0, false},
		{[]float64{0.5, 0}, 0, false},
		{[]float64{-0.1, 0.5}, 0, false},
	}
	for _, tt := range tests {
		n, err := ValidateRatios(tt.in)
		if (err == nil) != tt.ok || n != tt.parts {
			t.Errorf("ValidateRatios(%v) = %d, %v", tt.in, n, err)
		}
		if err != nil && errs.Code(err) != errs.Usage {
			t.Errorf("ValidateRatios(%v): code %d", tt.in, errs.Code(err))
		}
	}
}

func TestSplitFlagsAndRun(t *testing.T) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	c := &clitest.ClusterAPI{}
	f, ios := clitest.Factory(b, c)
	var got *SplitOptions
	err := clitest.Exec(NewCmdSplit(f, func(o *SplitOptions) error { got = o; return nil }),
		"train", "-c", "demo", "--ratios", "0.7,0.15", "--seed", "7", "--dest", "fit,valid,test")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Ratios, []float64{0.7, 0.15}) || got.Seed != 7 || len(got.Dest) != 3 {
		t.Fatalf("opts %+v", got)
	}
	got.Ctx = context.Background()
	if err := Run(got); err != nil {
		t.Fatal(err)
	}
	want := api.SplitRequest{Frame: "train", Ratios: []float64{0.7, 0.15}, Seed: 7, Dest: []string{"fit", "valid", "test"}}
	if !reflect.DeepEqual(c.Splits[0], want) {
		t.Errorf("request %+v", c.Splits[0])
	}
	if out := clitest.Out(ios); out != "NAME\tROWS\tCOLUMNS\tCHUNKS\tMEMORY\tSOURCE\nfit\t700\t9\t3\t2048\ttrain\nvalid\t150\t9\t3\t2048\ttrain\n" {
		t.Errorf("stdout %q", out)
	}

	for _, bad := range [][]string{
		{"train", "-c", "demo", "--ratios", "0.9,0.2"},
		{"train", "-c", "demo", "--ratios", "abc"},
		{"train", "-c", "demo", "--dest", "a"},
		{"train", "-c", "demo", "--dest", "h,h"},
		{"-c", "demo"},
	} {
		if err := clitest.Exec(NewCmdSplit(f, nil), bad...); errs.Code(err) != errs.Usage {
			t.Errorf("%v: code %d (%v)", bad, errs.Code(err), err)
		}
	}
}
