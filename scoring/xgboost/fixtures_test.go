package xgboost

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/scoring/internal/fixture"

	"github.com/mlctl/mlctl/scoring"
)

// The fixtures come from scoring/testdata/importers/gen.sh (XGBoost 3.2.0).
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

// XGBoost keeps its margins in float32: base margin plus each tree's leaf,
// rounded to float32 after every addition, then a float32 sigmoid, softmax
// or exp. scoring sums the same float32 leaves in float64, so the two
// differ by XGBoost's own rounding: the tolerance is 1e-6, absolute for
// values up to 1 (probabilities) and relative above.
const tol = 1e-6

// margins32 replays XGBoost's float32 sums over the translated model, tree
// by tree in the file's order, for the bit-exact routing check.
func margins32(m *scoring.GBM, row []float64) []float32 {
	k := m.Classes()
	out := make([]float32, k)
	for c := range out {
		out[c] = float32(m.InitF[c])
	}
	for i := range m.Trees {
		tr := &m.Trees[i]
		out[i%k] += float32(tr.Value[tr.Leaf(row)])
	}
	return out
}

var fixtures = []struct {
	name, dist string
	outputs    int
}{
	{"reg", "gaussian", 1},
	{"binary", "bernoulli", 2},
	{"multi", "multinomial", 3},
	{"poisson", "poisson", 1},
	{"categorical", "gaussian", 1},
	{"dart", "gaussian", 1},
	{"frame", "bernoulli", 2},
}

func TestFixturesMatchXGBoost(t *testing.T) {
	_, rows := readCSV(t, "xgb_rows.csv")
	for _, tc := range fixtures {
		t.Run(tc.name, func(t *testing.T) {
			m, info := readModel(t, "xgb_"+tc.name+".json")
			_, want := readCSV(t, "xgb_"+tc.name+"_pred.csv")
			if len(want) != len(rows) {
				t.Fatalf("%d predictions for %d rows", len(want), len(rows))
			}
			if m.Distribution != tc.dist || len(m.Outputs()) != tc.outputs {
				t.Fatalf("distribution %s with %d outputs, want %s with %d", m.Distribution, len(m.Outputs()), tc.dist, tc.outputs)
			}
			if info.Version != [3]int{3, 2, 0} || info.Trees != len(m.Trees) || info.Iterations*m.Classes() != info.Trees {
				t.Fatalf("info %+v for %d trees", info, len(m.Trees))
			}
			out := make([]float64, tc.outputs)
			var worst float64
			exact := 0
			rounded := 0
			for r, row := range rows {
				// XGBoost rounds a category code to float32 before it
				// truncates it (4.999999999999999 is code 5 to it, 4 to
				// scoring); the documented way to score a fractional code
				// as XGBoost does is to round it so first.
				row = append([]float64(nil), row...)
				for j, f := range m.Schema.Features {
					if v := float64(float32(row[j])); f.Type == scoring.Categorical && v != row[j] {
						row[j] = v
						rounded++
					}
				}
				m.Predict(row, out)
				exp := want[r]
				if tc.dist == "bernoulli" { // the fixture has p1 only
					exp = []float64{1 - want[r][0], want[r][0]}
				}
				for k := range out {
					d := fixture.Diff(out[k], exp[k])
					worst = math.Max(worst, d)
					if !(d <= tol) {
						t.Fatalf("row %d %v: output %d = %v, XGBoost %v", r, row, k, out[k], exp[k])
					}
				}
				// For squared error XGBoost's prediction is its float32
				// margin: replaying its float32 sums over our trees must
				// give it bit for bit, whichever leaf each row reaches.
				if tc.dist == "gaussian" {
					if g := float64(margins32(m, row)[0]); g != want[r][0] {
						t.Fatalf("row %d %v: float32 margin %v, XGBoost %v", r, row, g, want[r][0])
					}
					exact++
				}
			}
			t.Logf("%d rows (%d category codes rounded to float32), largest difference %.3g; %d float32 margins bit-exact",
				len(rows), rounded, worst, exact)
		})
	}
}

func TestFixtureSchemas(t *testing.T) {
	m, info := readModel(t, "xgb_categorical.json")
	f := m.Schema.Features[3]
	if f.Name != "x3" || f.Type != scoring.Categorical || len(f.Domain) == 0 || f.Domain[0] != "0" || f.Domain[len(f.Domain)-1] != strconv.Itoa(len(f.Domain)-1) {
		t.Errorf("x3 is %+v, want categorical with the codes 0..max", f)
	}
	if strings.Join(info.FeatureTypes, ",") != "q,q,q,c,q" || m.Schema.Response != "label" {
		t.Errorf("info %+v, schema %+v", info, m.Schema)
	}
	m, _ = readModel(t, "xgb_frame.json")
	if f := m.Schema.Features[3]; f.Type != scoring.Categorical || strings.Join(f.Domain, ",") != "a,b,c,d,e,f,g,h" {
		t.Errorf("frame x3 is %+v, want the training categories a..h", f)
	}
	m, info = readModel(t, "xgb_multi.json")
	if strings.Join(m.Schema.Classes, ",") != "0,1,2" || len(info.BaseScore) != 3 || m.InitF[1] != info.BaseScore[1] {
		t.Errorf("multi: classes %v, InitF %v, info %+v", m.Schema.Classes, m.InitF, info)
	}
	m, info = readModel(t, "xgb_binary.json")
	if p := info.BaseScore[0]; math.Abs(scoring.Sigmoid(m.InitF[0])-p) > 1e-7 {
		t.Errorf("binary: InitF %v is not logit(base_score %v)", m.InitF, p)
	}
	m, info = readModel(t, "xgb_poisson.json")
	if p := info.BaseScore[0]; math.Abs(math.Exp(m.InitF[0])-p) > 1e-6*p {
		t.Errorf("poisson: InitF %v is not log(base_score %v)", m.InitF, p)
	}
	_, info = readModel(t, "xgb_dart.json")
	if info.Booster != "dart" {
		t.Errorf("dart: info %+v", info)
	}
}
