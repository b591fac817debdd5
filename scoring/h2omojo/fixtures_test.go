package h2omojo

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/scoring"
)

// The fixtures are made by H2O 3.46.0.6 itself:
// scoring/testdata/h2omojo/gen.sh trains the models, downloads their MOJOs
// and scores inputs.csv through h2o-genmodel's PredictCsv.
const fixtures = "../testdata/h2omojo"

var fixtureModels = []struct {
	name, algo, category, response string
	outputs                        []string
}{
	{"gbm_gaussian", "gbm", "Regression", "y", []string{"predict"}},
	{"gbm_bernoulli", "gbm", "Binomial", "yb", []string{"no", "yes"}},
	{"gbm_multinomial", "gbm", "Multinomial", "ym", []string{"A", "B", "C"}},
	{"gbm_poisson", "gbm", "Regression", "yp", []string{"predict"}},
	{"gbm_nasplit", "gbm", "Regression", "yn", []string{"predict"}}, // NA-vs-rest and "<" on level codes
	{"gbm_huber", "gbm", "Regression", "y", []string{"predict"}},
	{"glm_gaussian", "glm", "Regression", "y", []string{"predict"}},
	{"glm_binomial", "glm", "Binomial", "yb", []string{"no", "yes"}},
	{"glm_poisson", "glm", "Regression", "yp", []string{"predict"}},
	{"glm_multinomial", "glm", "Multinomial", "ym", []string{"A", "B", "C"}},
	{"glm_gamma", "glm", "Regression", "yg", []string{"predict"}},
	{"glm_tweedie", "glm", "Regression", "yg", []string{"predict"}},
}

func readCSV(t testing.TB, path string) (header []string, rows [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (regenerate with scoring/testdata/h2omojo/gen.sh)", err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 2 {
		t.Fatalf("%s: no rows", path)
	}
	return all[0], all[1:]
}

// modelRows turns inputs.csv into rows for m's schema: a categorical value
// becomes its code in the domain (NaN for an unseen or empty level), an empty
// number NaN; the offset column ends the row.
func modelRows(t testing.TB, s *scoring.Schema, header []string, in [][]string) [][]float64 {
	t.Helper()
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	names := make([]string, 0, s.RowLen())
	for _, f := range s.Features {
		names = append(names, f.Name)
	}
	if s.Offset != "" {
		names = append(names, s.Offset)
	}
	out := make([][]float64, len(in))
	for r, rec := range in {
		row := make([]float64, len(names))
		for j, name := range names {
			i, ok := col[name]
			if !ok {
				t.Fatalf("inputs.csv has no column %q", name)
			}
			v := rec[i]
			row[j] = math.NaN()
			if j < len(s.Features) && s.Features[j].Type == scoring.Categorical {
				for c, l := range s.Features[j].Domain {
					if l == v && v != "" {
						row[j] = float64(c)
					}
				}
				continue
			}
			if v != "" {
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("row %d %s: %v", r, name, err)
				}
				row[j] = x
			}
		}
		out[r] = row
	}
	return out
}

func TestFixturesMatchH2O(t *testing.T) {
	inHeader, inRows := readCSV(t, filepath.Join(fixtures, "inputs.csv"))
	for _, fx := range fixtureModels {
		t.Run(fx.name, func(t *testing.T) {
			m, info, err := Open(filepath.Join(fixtures, fx.name+".zip"))
			if err != nil {
				t.Fatal(err)
			}
			if info.Algo != fx.algo || info.Category != fx.category || info.Response != fx.response {
				t.Errorf("info %s/%s response %q, want %s/%s %q", info.Algo, info.Category, info.Response, fx.algo, fx.category, fx.response)
			}
			if info.H2OVersion != "3.46.0.6" || info.Values["h2o_version"] != "3.46.0.6" {
				t.Errorf("h2o version %q", info.H2OVersion)
			}
			if m.ModelSchema().Response != fx.response || m.Algo() != fx.algo {
				t.Errorf("model %s response %q", m.Algo(), m.ModelSchema().Response)
			}
			if fx.category != "Regression" && strings.Join(info.ResponseDomain, ",") != strings.Join(fx.outputs, ",") {
				t.Errorf("response domain %v, want %v", info.ResponseDomain, fx.outputs)
			}
			wantOff := ""
			if strings.HasSuffix(fx.name, "poisson") {
				wantOff = "log_exposure"
			}
			if info.Offset != wantOff || m.ModelSchema().Offset != wantOff {
				t.Errorf("offset %q / %q, want %q", info.Offset, m.ModelSchema().Offset, wantOff)
			}
			cols := len(m.ModelSchema().Features) + 1 // features, response
			if wantOff != "" {
				cols++
			}
			if len(info.Columns) != cols || info.Values["mojo_version"] != info.MojoVersion {
				t.Errorf("columns %v, mojo_version %q", info.Columns, info.MojoVersion)
			}
			outs := m.Outputs()
			if len(outs) != len(fx.outputs) {
				t.Fatalf("outputs %v, want %v", outs, fx.outputs)
			}
			for i := range outs {
				if outs[i] != fx.outputs[i] {
					t.Fatalf("outputs %v, want %v", outs, fx.outputs)
				}
			}
			wantHeader, wantRows := readCSV(t, filepath.Join(fixtures, fx.name+".csv"))
			wcol := make([]int, len(outs))
			for k, o := range outs {
				wcol[k] = -1
				for i, h := range wantHeader {
					if h == o {
						wcol[k] = i
					}
				}
				if wcol[k] < 0 {
					t.Fatalf("%s.csv has no column %q", fx.name, o)
				}
			}
			rows := modelRows(t, m.ModelSchema(), inHeader, inRows)
			if len(rows) != len(wantRows) {
				t.Fatalf("%d inputs, %d predictions", len(rows), len(wantRows))
			}
			got := make([]float64, len(outs))
			worst := 0.0
			for r, row := range rows {
				m.Predict(row, got)
				for k := range outs {
					want, err := strconv.ParseFloat(wantRows[r][wcol[k]], 64)
					if err != nil {
						t.Fatal(err)
					}
					if math.IsNaN(want) != math.IsNaN(got[k]) {
						t.Fatalf("row %d %s: got %v, H2O %v", r, outs[k], got[k], want)
					}
					if d := math.Abs(got[k] - want); d > worst {
						worst = d
					}
					if d := math.Abs(got[k] - want); d > 1e-6 {
						t.Errorf("row %d %s: got %.17g, H2O %.17g (diff %.3g)", r, outs[k], got[k], want, d)
					}
				}
			}
			t.Logf("%s: %d rows, max |ours - H2O| = %.3g", fx.name, len(rows), worst)
		})
	}
}
