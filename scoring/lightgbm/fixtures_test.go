package lightgbm

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/scoring/internal/fixture"

	"github.com/mlctl/mlctl/scoring"
)

// The fixtures come from scoring/testdata/importers/gen.sh (LightGBM 4.7.0).
const testdata = fixture.Importers

// readCSV reads a fixture CSV of testdata.
func readCSV(t *testing.T, name string) (header []string, rows [][]float64) {
	t.Helper()
	return fixture.ReadCSV(t, filepath.Join(testdata, name), fixture.ImportersRegen)
}

func readModel(t *testing.T, name string) (*scoring.GBM, *Info) {
	t.Helper()
	return fixture.OpenModel(t, filepath.Join(testdata, name), fixture.ImportersRegen, Read)
}

// The tolerance against LightGBM's own predictions, absolute for values up
// to 1 (probabilities) and relative above. LightGBM sums the trees in
// float64 in the same order as scoring, so the margins agree to the last
// bit or two; only the sigmoid scale, the forest mean and exp differ in
// rounding.
const tol = 1e-12

func TestFixturesMatchLightGBM(t *testing.T) {
	_, rows := readCSV(t, "lgb_rows.csv")
	cases := []struct {
		name, dist string
		outputs    int
	}{
		{"regression", "gaussian", 1},
		{"binary", "bernoulli", 2},
		{"multiclass", "multinomial", 3},
		{"poisson", "poisson", 1},
		{"categorical", "gaussian", 1},
		{"zero_as_missing", "gaussian", 1},
		{"rf", "gaussian", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, info := readModel(t, "lgb_"+tc.name+".txt")
			_, want := readCSV(t, "lgb_"+tc.name+"_pred.csv")
			if len(want) != len(rows) {
				t.Fatalf("%d predictions for %d rows", len(want), len(rows))
			}
			if m.Distribution != tc.dist || len(m.Outputs()) != tc.outputs {
				t.Fatalf("distribution %s with %d outputs, want %s with %d", m.Distribution, len(m.Outputs()), tc.dist, tc.outputs)
			}
			if info.Trees != len(m.Trees) || info.Iterations*info.TreesPerIteration != info.Trees || info.Parameters["objective"] == "" {
				t.Fatalf("info %+v", info)
			}
			out := make([]float64, tc.outputs)
			var worst float64
			for r, row := range rows {
				m.Predict(row, out)
				exp := want[r]
				if tc.dist == "bernoulli" { // the fixture has p1 only
					exp = []float64{1 - want[r][0], want[r][0]}
				}
				for k := range out {
					d := fixture.Diff(out[k], exp[k])
					worst = math.Max(worst, d)
					if !(d <= tol) {
						t.Fatalf("row %d %v: output %d = %v, LightGBM %v", r, row, k, out[k], exp[k])
					}
				}
			}
			t.Logf("%d rows, largest difference %.3g", len(rows), worst)
		})
	}
}

func TestFixtureSchemas(t *testing.T) {
	m, info := readModel(t, "lgb_categorical.txt")
	f := m.Schema.Features[3]
	if f.Name != "x3" || f.Type != scoring.Categorical || strings.Join(f.Domain, ",") != "0,1,2,3,4,5,6,7" {
		t.Errorf("x3 is %+v, want categorical with the codes 0..7", f)
	}
	for j, f := range m.Schema.Features {
		if j != 3 && f.Type != scoring.Numeric {
			t.Errorf("feature %d is %+v", j, f)
		}
	}
	if m.Schema.Response != "label" || len(m.Schema.Classes) != 0 || info.ObjectiveName != "regression" {
		t.Errorf("schema %+v, info %+v", m.Schema, info)
	}
	cat := 0
	for _, tr := range m.Trees {
		for _, fl := range tr.Flags {
			if fl&scoring.FlagCat != 0 {
				cat++
			}
		}
	}
	if cat == 0 {
		t.Error("the categorical fixture has no category split")
	}

	m, info = readModel(t, "lgb_binary.txt")
	if strings.Join(m.Schema.Classes, ",") != "0,1" || info.Sigmoid != 0.7 || info.Objective != "binary sigmoid:0.7" {
		t.Errorf("binary: classes %v, info %+v", m.Schema.Classes, info)
	}
	m, info = readModel(t, "lgb_multiclass.txt")
	if strings.Join(m.Schema.Classes, ",") != "0,1,2" || info.TreesPerIteration != 3 || len(m.InitF) != 3 {
		t.Errorf("multiclass: classes %v, info %+v", m.Schema.Classes, info)
	}
	_, info = readModel(t, "lgb_rf.txt")
	if !info.AverageOutput || info.Parameters["boosting"] != "rf" {
		t.Errorf("rf: info %+v", info)
	}
	m, _ = readModel(t, "lgb_zero_as_missing.txt")
	zero := 0
	for _, tr := range m.Trees {
		for _, fl := range tr.Flags {
			if fl&scoring.FlagZeroNA != 0 {
				zero++
			}
		}
	}
	if zero == 0 {
		t.Error("the zero_as_missing fixture has no zero-as-missing split")
	}
}
