package lightgbm

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/scoring"
)

// model writes a LightGBM text model with the given header lines (after
// the defaults, which they override) and tree sections.
func model(header map[string]string, trees ...string) string {
	h := map[string]string{"version": "v4", "num_class": "1", "num_tree_per_iteration": "1", "label_index": "0",
		"max_feature_idx": "1", "objective": "regression", "feature_names": "a b", "feature_infos": "[-1:1] [-1:1]"}
	for k, v := range header {
		h[k] = v
	}
	var b strings.Builder
	b.WriteString("tree\n")
	for _, k := range []string{"version", "num_class", "num_tree_per_iteration", "label_index", "max_feature_idx",
		"objective", "average_output", "feature_names", "feature_infos"} {
		if v, ok := h[k]; ok && v != "-" {
			if k == "average_output" {
				b.WriteString(k + "\n")
			} else {
				b.WriteString(k + "=" + v + "\n")
			}
		}
	}
	b.WriteString("\n")
	for i, t := range trees {
		b.WriteString("Tree=" + string(rune('0'+i)) + "\n" + t + "\n\n")
	}
	b.WriteString("end of trees\n\nfeature_importances:\na=1\n\nparameters:\n[boosting: gbdt]\n[label_column: " +
		h["label_column"] + "]\n[linear_tree: " + h["linear_tree"] + "]\n\nend of parameters\n\npandas_categorical:null\n")
	return b.String()
}

// split1 is a one-split tree on feature f: leaf values 1 (left) and 2.
func split1(f, threshold, decision string) string {
	return "num_leaves=2\nnum_cat=0\nsplit_feature=" + f + "\nsplit_gain=1\nthreshold=" + threshold +
		"\ndecision_type=" + decision + "\nleft_child=-1\nright_child=-2\nleaf_value=1 2\nleaf_weight=3 4\nleaf_count=3 4" +
		"\ninternal_value=0\ninternal_weight=7\ninternal_count=7\nis_linear=0\nshrinkage=1"
}

func mustRead(t *testing.T, text string) (*scoring.GBM, *Info) {
	t.Helper()
	m, info, err := Read(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return m, info
}

func predict1(m *scoring.GBM, row ...float64) float64 {
	out := make([]float64, len(m.Outputs()))
	m.Predict(row, out)
	return out[len(out)-1]
}

var nan = math.NaN()

// Missing values per decision_type, as LightGBM's NumericalDecision reads
// them: a missing type None scores NaN as 0.0, Zero sends 0 and NaN to the
// default side, NaN sends NaN there. tiny is below LightGBM's zero
// threshold, which its predictor reads as 0.
func TestNumericSplitsAndMissingTypes(t *testing.T) {
	const tiny = 1e-40
	cases := []struct {
		name, threshold, decision string
		x                         []float64
		want                      []float64 // leaf value per x
	}{
		{"none, 0 goes left", "0.5", "0", []float64{nan, 0, 0.5, 0.6, -tiny}, []float64{1, 1, 1, 2, 1}},
		{"none, 0 goes right", "-0.5", "0", []float64{nan, 0, -0.5, -0.4}, []float64{2, 2, 1, 2}},
		{"none, default left ignored", "-0.5", "2", []float64{nan}, []float64{2}},
		{"zero, default left", "0.5", "6", []float64{nan, 0, tiny, -tiny, 0.4, 0.6}, []float64{1, 1, 1, 1, 1, 2}},
		{"zero, default right", "0.5", "4", []float64{nan, 0, tiny, 0.4, -3, 0.6}, []float64{2, 2, 2, 1, 1, 2}},
		{"nan, default left", "0.5", "10", []float64{nan, 0, 0.6}, []float64{1, 1, 2}},
		{"nan, default right", "0.5", "8", []float64{nan, 0, 0.6, math.Inf(-1), math.Inf(1)}, []float64{2, 1, 2, 1, 2}},
		// LightGBM reads |x| <= 1e-35f as 0 before it compares, so tiny
		// values go where 0 goes even across a threshold near zero.
		{"threshold 0", "0", "8", []float64{-tiny, tiny, 2e-35, -2e-35}, []float64{1, 1, 2, 1}},
		{"threshold below 0", "-1e-36", "8", []float64{-tiny, -5e-36, tiny, -2e-35}, []float64{2, 2, 2, 1}},
		{"threshold above 0", "1e-36", "8", []float64{5e-36, tiny, 2e-35}, []float64{1, 1, 2}},
	}
	for _, tc := range cases {
		m, _ := mustRead(t, model(nil, split1("1", tc.threshold, tc.decision)))
		for i, x := range tc.x {
			if got := predict1(m, 0, x); got != tc.want[i] {
				t.Errorf("%s: x=%v scores %v, want %v", tc.name, x, got, tc.want[i])
			}
		}
	}
}

func TestSingleLeafTreeAndCover(t *testing.T) {
	m, info := mustRead(t, model(nil, "num_leaves=1\nnum_cat=0\nsplit_feature=\nsplit_gain=\nthreshold=\ndecision_type=\n"+
		"left_child=\nright_child=\nleaf_value=0.25\nleaf_weight=9\nleaf_count=9\ninternal_value=\ninternal_weight=\n"+
		"internal_count=\nis_linear=0\nshrinkage=1", split1("0", "0", "2")))
	if got := predict1(m, 5, 5); got != 2.25 {
		t.Errorf("prediction %v, want 0.25 + 2", got)
	}
	if tr := m.Trees[0]; tr.Nodes() != 1 || tr.Cover[0] != 9 {
		t.Errorf("single leaf tree %+v", tr)
	}
	if tr := m.Trees[1]; tr.Cover[0] != 7 || tr.Cover[1] != 3 || tr.Cover[2] != 4 {
		t.Errorf("covers %v, want internal_weight then leaf_weight", tr.Cover)
	}
	if info.Trees != 2 || m.InitF[0] != 0 {
		t.Errorf("info %+v, InitF %v", info, m.InitF)
	}
	// Without weights the counts stand in.
	noWeights := strings.NewReplacer("leaf_weight=3 4\n", "", "internal_weight=7\n", "", "leaf_count=3 4", "leaf_count=30 40",
		"internal_count=7", "internal_count=70").Replace(split1("0", "0", "2"))
	m, _ = mustRead(t, model(nil, noWeights))
	if c := m.Trees[0].Cover; c[0] != 70 || c[1] != 30 || c[2] != 40 {
		t.Errorf("covers from counts %v", c)
	}
}

// A categorical split: codes 1, 3 and 40 go left (bits of two 32-bit
// words); LightGBM sends NaN, negative codes and every other code right.
func TestCategoricalSplit(t *testing.T) {
	tree := "num_leaves=2\nnum_cat=1\nsplit_feature=0\nsplit_gain=1\nthreshold=0\ndecision_type=1\nleft_child=-1\n" +
		"right_child=-2\nleaf_value=1 2\nleaf_weight=3 4\nleaf_count=3 4\ninternal_value=0\ninternal_weight=7\n" +
		"internal_count=7\ncat_boundaries=0 2\ncat_threshold=10 256\nis_linear=0\nshrinkage=1"
	m, _ := mustRead(t, model(map[string]string{"feature_infos": "-1:0:1:2:3:40:41 [-1:1]"}, tree))
	f := m.Schema.Features[0]
	if f.Type != scoring.Categorical || len(f.Domain) != 42 || f.Domain[41] != "41" {
		t.Fatalf("feature %+v, want categorical 0..41 (feature_infos reaches 41)", f)
	}
	for _, tc := range []struct{ x, want float64 }{
		{1, 1}, {3, 1}, {40, 1}, {3.7, 1}, {0, 2}, {2, 2}, {39, 2}, {41, 2}, {64, 2}, {1e9, 2}, {nan, 2}, {-1, 2}, {-40, 2},
		// Documented difference: LightGBM truncates -0.5 to code 0, scoring
		// takes any negative code for missing. Both send it right here
		// since 0 is not in the set.
		{-0.5, 2},
	} {
		if got := predict1(m, tc.x, 0); got != tc.want {
			t.Errorf("code %v scores %v, want %v", tc.x, got, tc.want)
		}
	}
	// When feature_infos stops below the set, the domain ends at its largest code.
	m, _ = mustRead(t, model(map[string]string{"feature_infos": "1:3 [-1:1]"}, tree))
	if f := m.Schema.Features[0]; len(f.Domain) != 41 {
		t.Errorf("domain %d levels, want 0..40", len(f.Domain))
	}
}

func TestSigmoidAndAverageOutput(t *testing.T) {
	leaf := func(v string) string {
		return "num_leaves=1\nnum_cat=0\nleaf_value=" + v + "\nis_linear=0\nshrinkage=1"
	}
	m, info := mustRead(t, model(map[string]string{"objective": "binary sigmoid:2"}, leaf("0.1"), leaf("0.2")))
	if want := scoring.Sigmoid(2 * 0.3); math.Abs(predict1(m, 0, 0)-want) > 1e-15 || info.Sigmoid != 2 {
		t.Errorf("binary sigmoid:2: p1 %v, want %v", predict1(m, 0, 0), want)
	}
	m, info = mustRead(t, model(map[string]string{"average_output": "", "objective": "poisson"}, leaf("0.1"), leaf("0.4"), leaf("0.7")))
	if want := math.Exp(0.4); math.Abs(predict1(m, 0, 0)-want) > 1e-15 || !info.AverageOutput {
		t.Errorf("rf poisson: %v, want exp(mean) %v", predict1(m, 0, 0), want)
	}
	m, _ = mustRead(t, model(map[string]string{"objective": "multiclass num_class:2", "num_class": "2", "num_tree_per_iteration": "2"},
		leaf("1"), leaf("-1"), leaf("0.5"), leaf("0")))
	out := make([]float64, 2)
	m.Predict([]float64{0, 0}, out)
	if want := scoring.Sigmoid(2.5); math.Abs(out[0]-want) > 1e-15 {
		t.Errorf("multiclass: %v, want class 0 at %v (margins 1.5 and -1)", out, want)
	}
}

// gamma and tweedie predict exp(margin) as poisson does: the same trees
// under another objective line score the same.
func TestGammaAndTweedieShareThePoissonLink(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testdata, "lgb_poisson.txt"))
	if err != nil {
		t.Fatal(err)
	}
	_, rows := readCSV(t, "lgb_rows.csv")
	ref, _ := mustRead(t, string(b))
	for _, obj := range []string{"gamma", "tweedie tweedie_variance_power:1.5"} {
		m, info := mustRead(t, strings.Replace(string(b), "objective=poisson", "objective="+obj, 1))
		if m.Distribution != info.ObjectiveName || info.ObjectiveName != strings.Fields(obj)[0] {
			t.Fatalf("%s: distribution %s", obj, m.Distribution)
		}
		for _, r := range rows[:50] {
			if a, b := predict1(m, r...), predict1(ref, r...); a != b || !(a > 0) {
				t.Fatalf("%s: %v, poisson %v", obj, a, b)
			}
		}
	}
}

func TestResponseNameAndAliases(t *testing.T) {
	m, info := mustRead(t, model(map[string]string{"label_column": "name:price", "objective": "mse"}, split1("0", "0", "2")))
	if m.Schema.Response != "price" || m.Distribution != "gaussian" || info.ObjectiveName != "regression" || info.Parameters["boosting"] != "gbdt" {
		t.Errorf("schema %+v, info %+v", m.Schema, info)
	}
	m, _ = mustRead(t, model(nil, split1("0", "0", "2")))
	if m.Schema.Response != "label" || m.Schema.Features[1].Name != "b" {
		t.Errorf("schema %+v", m.Schema)
	}
}

func TestRefusesUnsupported(t *testing.T) {
	tree := split1("0", "0", "2")
	cases := []struct {
		header map[string]string
		tree   string
		want   string
	}{
		{map[string]string{"objective": "huber"}, tree, `objective "huber"`},
		{map[string]string{"objective": "quantile"}, tree, `objective "quantile"`},
		{map[string]string{"objective": "regression_l1"}, tree, `objective "regression_l1"`},
		{map[string]string{"objective": "cross_entropy"}, tree, `objective "cross_entropy"`},
		{map[string]string{"objective": "lambdarank"}, tree, `objective "lambdarank"`},
		{map[string]string{"objective": "multiclassova num_class:2 sigmoid:1", "num_class": "2", "num_tree_per_iteration": "2"}, tree + "\n\nTree=1\n" + tree, `objective "multiclassova"`},
		{map[string]string{"objective": "regression sqrt"}, tree, "reg_sqrt"},
		{map[string]string{"objective": "-"}, tree, "names no objective"},
		{map[string]string{"linear_tree": "1"}, tree, "linear trees"},
		{nil, strings.Replace(tree, "is_linear=0", "is_linear=1", 1), "a linear tree"},
		{map[string]string{"version": "v1"}, tree, `version "v1"`},
	}
	for _, tc := range cases {
		_, _, err := Read(strings.NewReader(model(tc.header, tc.tree)))
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want ErrUnsupported naming %q", tc.header, err, tc.want)
		} else if strings.Contains(tc.want, "objective") && !strings.Contains(err.Error(), "binary") {
			t.Errorf("%v: %v does not say what is supported", tc.header, err)
		}
	}
}

func TestRefusesMalformed(t *testing.T) {
	tree := split1("0", "0", "2")
	cases := []struct {
		text, want string
	}{
		{"", "empty"},
		{"booster\n", "not a LightGBM text model"},
		{model(map[string]string{"feature_names": "a"}, tree), "feature names"},
		{model(map[string]string{"feature_infos": "[0:1]"}, tree), "feature_infos"},
		{model(map[string]string{"max_feature_idx": "x"}, tree), "max_feature_idx"},
		{model(nil, strings.Replace(tree, "split_feature=0", "split_feature=2", 1)), "feature 2 of 2"},
		{model(nil, strings.Replace(tree, "right_child=-2", "right_child=-3", 1)), "child -3"},
		{model(nil, strings.Replace(tree, "right_child=-2", "right_child=-1", 1)), "already placed"},
		{model(nil, strings.Replace(tree, "right_child=-2", "right_child=0", 1)), "child 0"},
		{model(nil, strings.Replace(tree, "decision_type=2", "decision_type=12", 1)), "decision_type 12"},
		{model(nil, strings.Replace(tree, "decision_type=2", "decision_type=3", 1)), "category split on feature 0"},
		{model(nil, strings.Replace(tree, "leaf_value=1 2", "leaf_value=1", 1)), "leaf_value has 1 values"},
		{model(nil, strings.Replace(tree, "leaf_value=1 2", "leaf_value=1 x", 1)), "not a number"},
		{model(nil, strings.Replace(tree, "leaf_value=1 2", "leaf_value=1 inf", 1)), "not finite"},
		{model(nil, strings.Replace(tree, "threshold=0", "threshold=nan", 1)), "threshold NaN"},
		{model(nil, strings.Replace(tree, "num_leaves=2", "num_leaves=0", 1)), "num_leaves"},
		{strings.Replace(model(nil, tree), "Tree=0", "Tree=1", 1), "Tree=0 was due"},
		{model(map[string]string{"num_tree_per_iteration": "2", "num_class": "2", "objective": "multiclass"}, tree), "1 trees for 2"},
		{strings.Replace(model(nil, tree), "end of parameters", "", 1), "no end"},
		{model(nil, tree)[:strings.Index(model(nil, tree), "end of trees")], "truncated"},
		{strings.Replace(model(nil, tree), "feature_infos=", "tree_sizes=100 200\nfeature_infos=", 1), "tree_sizes lists 2 trees"},
	}
	for _, tc := range cases {
		_, _, err := Read(strings.NewReader(tc.text))
		if err == nil || errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want a format error containing %q", err, tc.want)
		}
	}
}

// The two documented differences from LightGBM, pinned so that a change in
// scoring that removes one shows up here (and in the package doc).
func TestDocumentedDifferences(t *testing.T) {
	// Codes 0 and 2 go left. LightGBM truncates -0.5 to code 0 (left);
	// scoring takes a negative code for missing (right).
	tree := "num_leaves=2\nnum_cat=1\nsplit_feature=0\nthreshold=0\ndecision_type=1\nleft_child=-1\nright_child=-2\n" +
		"leaf_value=1 2\ncat_boundaries=0 1\ncat_threshold=5\nis_linear=0"
	m, _ := mustRead(t, model(map[string]string{"feature_infos": "0:1:2 [-1:1]"}, tree))
	if got := predict1(m, 0, 0); got != 1 {
		t.Errorf("code 0 scores %v", got)
	}
	if got := predict1(m, -0.5, 0); got != 2 {
		t.Errorf("code -0.5 scores %v (LightGBM: 1, scoring so far: 2)", got)
	}
	// Zero as missing, default right, threshold 0.5: LightGBM reads
	// 1.000000001e-35 as 0 (missing, right); scoring's band ends at 1e-35.
	m, _ = mustRead(t, model(nil, split1("1", "0.5", "4")))
	if got := predict1(m, 0, 1e-35); got != 2 {
		t.Errorf("1e-35 scores %v, want missing (2)", got)
	}
	if got := predict1(m, 0, 1.000000001e-35); got != 1 {
		t.Errorf("1.000000001e-35 scores %v (LightGBM: 2, scoring so far: 1)", got)
	}
}
