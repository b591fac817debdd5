package xgboost

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/scoring"
)

// jtree is one tree in the JSON layout; a node with left -1 is a leaf whose
// value is cond.
type jtree struct {
	left, right []int
	feature     []int
	cond        []float64
	dleft       []int
	catNodes    []int
	cats        [][]int
}

func (t jtree) json() map[string]any {
	n := len(t.left)
	split := make([]int, n)
	var segs, sizes, all []int
	for i, node := range t.catNodes {
		split[node] = 1
		segs = append(segs, len(all))
		sizes = append(sizes, len(t.cats[i]))
		all = append(all, t.cats[i]...)
	}
	hess := make([]float64, n)
	for i := range hess {
		hess[i] = float64(10 + i)
	}
	nz := func(v []int) []int {
		if v == nil {
			return []int{}
		}
		return v
	}
	return map[string]any{
		"tree_param":    map[string]string{"num_nodes": "0", "size_leaf_vector": "1", "num_feature": "2", "num_deleted": "0"},
		"left_children": t.left, "right_children": t.right, "split_indices": t.feature, "split_conditions": t.cond,
		"default_left": t.dleft, "sum_hessian": hess, "base_weights": t.cond, "loss_changes": make([]float64, n),
		"parents": make([]int, n), "split_type": split, "categories_nodes": nz(t.catNodes), "categories_segments": nz(segs),
		"categories_sizes": nz(sizes), "categories": nz(all), "id": 0,
	}
}

// doc builds a model file; edit changes the decoded map before encoding.
func doc(objective string, version []int, baseScore string, numClass int, types []string, trees []jtree, treeInfo []int, edit func(m map[string]any)) string {
	js := make([]any, len(trees))
	for i, t := range trees {
		js[i] = t.json()
	}
	if treeInfo == nil {
		treeInfo = make([]int, len(trees))
	}
	m := map[string]any{
		"version": version,
		"learner": map[string]any{
			"attributes":    map[string]any{"best_iteration": "1"},
			"feature_names": []string{"a", "b"},
			"feature_types": types,
			"gradient_booster": map[string]any{"name": "gbtree", "model": map[string]any{
				"gbtree_model_param": map[string]string{"num_trees": itoa(len(trees)), "num_parallel_tree": "1"},
				"trees":              js, "tree_info": treeInfo,
			}},
			"learner_model_param": map[string]string{"base_score": baseScore, "num_class": itoa(numClass), "num_feature": "2", "num_target": "1"},
			"objective":           map[string]any{"name": objective, "reg_loss_param": map[string]string{"scale_pos_weight": "1"}},
		},
	}
	if edit != nil {
		edit(m)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// stump splits feature f at c: left leaf 1, right leaf 2.
func stump(f int, c float64, defaultLeft int) jtree {
	return jtree{left: []int{1, -1, -1}, right: []int{2, -1, -1}, feature: []int{f, 0, 0}, cond: []float64{c, 1, 2}, dleft: []int{defaultLeft, 0, 0}}
}

var v32 = []int{3, 2, 0}

func mustRead(t *testing.T, text string) (*scoring.GBM, *Info) {
	t.Helper()
	m, info, err := Read(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return m, info
}

func predict(m *scoring.GBM, row ...float64) []float64 {
	out := make([]float64, len(m.Outputs()))
	m.Predict(row, out)
	return out
}

var nan = math.NaN()

func TestNumericSplitIsFloat32(t *testing.T) {
	m, _ := mustRead(t, doc("reg:squarederror", v32, "[0E0]", 0, nil, []jtree{stump(1, 0.1, 1)}, nil, nil))
	c := float32(0.1)
	for _, x := range []float64{float64(c), math.Nextafter(float64(c), 0), 0.1, 0.09999999, below(c), math.Nextafter(below(c), 1), nan, -1e30, 3.4e38} {
		want := 2.0
		if math.IsNaN(x) || float32(x) < c {
			want = 1
		}
		if got := predict(m, 0, x)[0]; got != want {
			t.Errorf("x=%v scores %v, want %v", x, got, want)
		}
	}
	if th := m.Trees[0].Threshold[0]; !(th < float64(c)) || m.Trees[0].Cover[0] != 10 {
		t.Errorf("threshold %v, cover %v", th, m.Trees[0].Cover)
	}
}

// XGBoost sends the listed categories right and everything else left:
// unlisted codes, codes above the set, and (documented difference) negative
// codes, which scoring takes for missing and sends the default way.
func TestCategoricalSplit(t *testing.T) {
	tr := jtree{left: []int{1, -1, -1}, right: []int{2, -1, -1}, feature: []int{0, 0, 0}, cond: []float64{1e-45, 1, 2},
		dleft: []int{0, 0, 0}, catNodes: []int{0}, cats: [][]int{{1, 3, 70}}}
	m, _ := mustRead(t, doc("reg:squarederror", v32, "[5E-1]", 0, []string{"c", "q"}, []jtree{tr}, nil, nil))
	if f := m.Schema.Features[0]; f.Type != scoring.Categorical || len(f.Domain) != 71 || f.Domain[70] != "70" {
		t.Fatalf("feature %+v, want categorical 0..70", f)
	}
	for _, tc := range []struct{ x, want float64 }{
		{1, 2.5}, {3, 2.5}, {70, 2.5}, {0, 1.5}, {2, 1.5}, {69, 1.5}, {71, 1.5}, {1000, 1.5}, {1e9, 1.5}, {nan, 2.5},
		{-1, 2.5}, // XGBoost: 1.5 (left); scoring: missing, default right
	} {
		if got := predict(m, tc.x, 0)[0]; got != tc.want {
			t.Errorf("code %v scores %v, want %v", tc.x, got, tc.want)
		}
	}
	// A numeric-typed feature cannot have a category split.
	_, _, err := Read(strings.NewReader(doc("reg:squarederror", v32, "[5E-1]", 0, []string{"q", "q"}, []jtree{tr}, nil, nil)))
	if err == nil || !strings.Contains(err.Error(), "category split on feature 0") {
		t.Errorf("error %v", err)
	}
}

// base_score is on the response scale; XGBoost turns it into the base
// margin with the objective's link when it loads the file.
func TestBaseScore(t *testing.T) {
	leaf := jtree{left: []int{-1}, right: []int{-1}, feature: []int{0}, cond: []float64{0.25}, dleft: []int{0}}
	cases := []struct {
		objective string
		version   []int
		base      string
		margin    float64
	}{
		{"reg:squarederror", v32, "[2.3463263E-1]", float64(float32(0.23463263))},
		{"reg:squarederror", []int{1, 7, 6}, "5E-1", 0.5},
		{"reg:linear", []int{1, 0, 0}, "0.500000", 0.5},
		{"binary:logistic", v32, "[5E-1]", 0},
		{"binary:logistic", v32, "[8E-1]", math.Log(4)},
		{"binary:logitraw", []int{1, 3, 0}, "8E-1", math.Log(4)}, // before 1.4 a probability
		{"binary:logitraw", []int{1, 4, 0}, "8E-1", float64(float32(0.8))},
		{"count:poisson", v32, "[2E0]", math.Ln2},
		{"reg:gamma", v32, "[2E0]", math.Ln2},
		{"reg:tweedie", v32, "[2E0]", math.Ln2},
	}
	for _, tc := range cases {
		m, info := mustRead(t, doc(tc.objective, tc.version, tc.base, 0, nil, []jtree{leaf}, nil, nil))
		if math.Abs(m.InitF[0]-tc.margin) > 1e-6 {
			t.Errorf("%s %v base_score %s: InitF %v, want %v", tc.objective, tc.version, tc.base, m.InitF[0], tc.margin)
		}
		if info.Objective != tc.objective || len(info.BaseScore) != 1 {
			t.Errorf("info %+v", info)
		}
	}
	m, _ := mustRead(t, doc("binary:logistic", v32, "[8E-1]", 0, nil, []jtree{leaf}, nil, nil))
	if p := predict(m, 0, 0); math.Abs(p[1]-scoring.Sigmoid(math.Log(4)+0.25)) > 1e-7 || math.Abs(p[0]+p[1]-1) > 1e-15 {
		t.Errorf("binary probabilities %v", p)
	}
}

// Multi-class trees carry their class in tree_info; with num_parallel_tree
// 2 a round holds two trees per class, which scoring wants interleaved.
func TestMultiClassAndParallelTrees(t *testing.T) {
	leaf := func(v float64) jtree {
		return jtree{left: []int{-1}, right: []int{-1}, feature: []int{0}, cond: []float64{v}, dleft: []int{0}}
	}
	trees := []jtree{leaf(1), leaf(2), leaf(10), leaf(20), leaf(100), leaf(200)}
	edit := func(m map[string]any) {
		gb := m["learner"].(map[string]any)["gradient_booster"].(map[string]any)["model"].(map[string]any)
		gb["gbtree_model_param"] = map[string]string{"num_trees": "6", "num_parallel_tree": "2"}
	}
	m, info := mustRead(t, doc("multi:softprob", v32, "[1E-1,2E-1,3E-1]", 3, nil, trees, []int{0, 0, 1, 1, 2, 2}, edit))
	mg := make([]float64, 3)
	m.Margins([]float64{0, 0}, mg, -1)
	want := []float64{3 + float64(float32(0.1)), 30 + float64(float32(0.2)), 300 + float64(float32(0.3))}
	for k := range mg {
		if math.Abs(mg[k]-want[k]) > 1e-12 {
			t.Errorf("margins %v, want %v", mg, want)
		}
	}
	if info.ParallelTrees != 2 || info.Iterations != 1 || strings.Join(m.Schema.Classes, ",") != "0,1,2" {
		t.Errorf("info %+v, classes %v", info, m.Schema.Classes)
	}
	// A scalar base_score (before 3.1) stands for every class.
	m, _ = mustRead(t, doc("multi:softmax", []int{2, 1, 0}, "5E-1", 3, nil, trees[:3], []int{0, 1, 2}, nil))
	if m.InitF[2] != 0.5 || m.Distribution != "multinomial" {
		t.Errorf("InitF %v", m.InitF)
	}
}

func TestDartWeightsAndDefaults(t *testing.T) {
	edit := func(m map[string]any) {
		l := m["learner"].(map[string]any)
		gb := l["gradient_booster"]
		l["gradient_booster"] = map[string]any{"name": "dart", "gbtree": gb, "weight_drop": []float64{0.5, 2}}
		delete(l, "feature_names")
		delete(l, "feature_types")
	}
	m, info := mustRead(t, doc("reg:squarederror", v32, "[0E0]", 0, nil, []jtree{stump(0, 0, 1), stump(1, 0, 0)}, nil, edit))
	if got := predict(m, -1, 1)[0]; got != 0.5*1+2*2 {
		t.Errorf("dart prediction %v, want 0.5*1 + 2*2", got)
	}
	if info.Booster != "dart" || m.Schema.Features[1].Name != "f1" || m.Schema.Response != "label" {
		t.Errorf("info %+v, schema %+v", info, m.Schema)
	}
}

// 1.x writes default_left as booleans and may leave pruned (deleted) nodes
// in the arrays, unreachable from the root.
func TestOldLayout(t *testing.T) {
	tr := jtree{left: []int{1, -1, -1, -1}, right: []int{2, -1, -1, -1}, feature: []int{0, 0, 0, 0}, cond: []float64{0.5, 1, 2, 9}, dleft: []int{1, 0, 0, 0}}
	text := doc("reg:squarederror", []int{1, 0, 0}, "0.500000", 0, nil, []jtree{tr}, nil, nil)
	text = strings.Replace(text, `"default_left":[1,0,0,0]`, `"default_left":[true,false,false,false]`, 1)
	m, _ := mustRead(t, text)
	if got := predict(m, nan, 0)[0]; got != 1.5 || m.Trees[0].Nodes() != 3 {
		t.Errorf("prediction %v with %d nodes", got, m.Trees[0].Nodes())
	}
}

func TestRefusesUnsupported(t *testing.T) {
	leaf := []jtree{{left: []int{-1}, right: []int{-1}, feature: []int{0}, cond: []float64{1}, dleft: []int{0}}}
	param := func(k, v string) func(map[string]any) {
		return func(m map[string]any) {
			m["learner"].(map[string]any)["learner_model_param"].(map[string]string)[k] = v
		}
	}
	cases := []struct {
		objective string
		version   []int
		edit      func(map[string]any)
		want      string
	}{
		{"reg:pseudohubererror", v32, nil, `objective "reg:pseudohubererror"`},
		{"reg:absoluteerror", v32, nil, `objective "reg:absoluteerror"`},
		{"rank:pairwise", v32, nil, `objective "rank:pairwise"`},
		{"survival:cox", v32, nil, `objective "survival:cox"`},
		{"reg:logistic", v32, nil, `objective "reg:logistic"`},
		{"", v32, nil, "names no objective"},
		{"reg:squarederror", []int{4, 0, 0}, nil, "XGBoost 4.0"},
		{"reg:squarederror", []int{0, 90, 0}, nil, "XGBoost 0.90"},
		{"reg:squarederror", v32, param("num_target", "2"), "2 targets"},
		{"reg:squarederror", v32, func(m map[string]any) {
			m["learner"].(map[string]any)["gradient_booster"] = map[string]any{"name": "gblinear", "model": map[string]any{"weights": []float64{1, 2, 3}}}
		}, "gblinear"},
		{"reg:squarederror", v32, func(m map[string]any) {
			tr := m["learner"].(map[string]any)["gradient_booster"].(map[string]any)["model"].(map[string]any)["trees"].([]any)[0].(map[string]any)
			tr["tree_param"] = map[string]string{"size_leaf_vector": "3"}
		}, "multi-target"},
	}
	for _, tc := range cases {
		_, _, err := Read(strings.NewReader(doc(tc.objective, tc.version, "[5E-1]", 0, nil, leaf, nil, tc.edit)))
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want ErrUnsupported naming %q", tc.objective, err, tc.want)
		} else if strings.Contains(tc.want, "objective") && !strings.Contains(err.Error(), "binary:logistic") {
			t.Errorf("%v does not say what is supported", err)
		}
	}
}

func TestRefusesMalformed(t *testing.T) {
	good := stump(0, 0.5, 0)
	bad := func(edit func(*jtree)) []jtree {
		t := stump(0, 0.5, 0)
		t.left, t.right, t.cond = append([]int(nil), t.left...), append([]int(nil), t.right...), append([]float64(nil), t.cond...)
		edit(&t)
		return []jtree{t}
	}
	cases := []struct {
		text, want string
	}{
		{"", "not a JSON model"},
		{"{\"learner\":", "not a JSON model"},
		{"[1,2]", "not a JSON model"},
		{`{"version":[3,2,0]}`, "no learner"},
		{doc("reg:squarederror", []int{3, 2}, "[0E0]", 0, nil, []jtree{good}, nil, nil), "version"},
		{doc("reg:squarederror", v32, "[x]", 0, nil, []jtree{good}, nil, nil), "base_score"},
		{doc("reg:squarederror", v32, "[1E0,2E0]", 0, nil, []jtree{good}, nil, nil), "2 base scores"},
		{doc("count:poisson", v32, "[-1E0]", 0, nil, []jtree{good}, nil, nil), "no base margin"},
		{doc("multi:softprob", v32, "[0E0]", 1, nil, []jtree{good}, nil, nil), "num_class 1"},
		{doc("reg:squarederror", v32, "[0E0]", 0, []string{"q", "z"}, []jtree{good}, nil, nil), `type "z"`},
		{doc("reg:squarederror", v32, "[0E0]", 0, nil, bad(func(t *jtree) { t.right[0] = 5 }), nil, nil), "child 5"},
		{doc("reg:squarederror", v32, "[0E0]", 0, nil, bad(func(t *jtree) { t.right[0] = 0 }), nil, nil), "child 0"},
		{doc("reg:squarederror", v32, "[0E0]", 0, nil, bad(func(t *jtree) { t.right[0] = 1 }), nil, nil), "already placed"},
		{doc("reg:squarederror", v32, "[0E0]", 0, nil, bad(func(t *jtree) { t.feature = []int{2, 0, 0} }), nil, nil), "feature 2 of 2"},
		{doc("reg:squarederror", v32, "[0E0]", 0, nil, bad(func(t *jtree) { t.cond = t.cond[:2] }), nil, nil), "differ in length"},
		{doc("reg:squarederror", v32, "[0E0]", 0, nil, bad(func(t *jtree) { t.cond[0] = 1e39 }), nil, nil), "finite float32"},
		{doc("reg:squarederror", v32, "[0E0]", 0, nil, bad(func(t *jtree) { t.catNodes, t.cats = []int{0}, [][]int{{-3}} }), nil, nil), "category -3"},
		{doc("reg:squarederror", v32, "[0E0]", 0, nil, []jtree{good}, []int{1}, nil), "output 1 of 1"},
		{doc("reg:squarederror", v32, "[0E0]", 0, nil, []jtree{good}, []int{0, 0}, nil), "tree_info has 2"},
		{doc("reg:squarederror", v32, "[0E0]", 0, nil, []jtree{good}, nil, func(m map[string]any) {
			gb := m["learner"].(map[string]any)["gradient_booster"].(map[string]any)["model"].(map[string]any)
			gb["gbtree_model_param"] = map[string]string{"num_trees": "2"}
		}), `num_trees is "2"`},
	}
	for _, tc := range cases {
		_, _, err := Read(strings.NewReader(tc.text))
		if err == nil || errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want a format error containing %q", err, tc.want)
		}
	}
}

// A class with fewer trees than the others is padded with zero trees, so
// tree t stays class t % K.
func TestUnevenClassesArePadded(t *testing.T) {
	leaf := func(v float64) jtree {
		return jtree{left: []int{-1}, right: []int{-1}, feature: []int{0}, cond: []float64{v}, dleft: []int{0}}
	}
	m, _ := mustRead(t, doc("multi:softprob", v32, "[0E0,0E0]", 2, nil, []jtree{leaf(1), leaf(2), leaf(3)}, []int{0, 1, 0}, nil))
	mg := make([]float64, 2)
	m.Margins([]float64{0, 0}, mg, -1)
	if len(m.Trees) != 4 || mg[0] != 4 || mg[1] != 2 {
		t.Errorf("%d trees, margins %v; want 4 trees and margins 4, 2", len(m.Trees), mg)
	}
}

// XGBoost 3.1 and later keep a data frame's categories: strings as UTF-8
// bytes cut by offsets, numbers as values.
func TestCategoryNames(t *testing.T) {
	tr := jtree{left: []int{1, -1, -1}, right: []int{2, -1, -1}, feature: []int{0, 0, 0}, cond: []float64{0, 1, 2},
		dleft: []int{0, 0, 0}, catNodes: []int{0}, cats: [][]int{{2}}}
	withCats := func(enc string) string {
		text := doc("reg:squarederror", v32, "[0E0]", 0, []string{"c", "c"}, []jtree{tr}, nil, nil)
		return strings.Replace(text, `"gbtree_model_param"`, `"cats":{"enc":`+enc+`,"feature_segments":[],"sorted_idx":[]},"gbtree_model_param"`, 1)
	}
	m, _ := mustRead(t, withCats(`[{"type":15,"values":[3,7,9.5]},{"offsets":[0,2,5],"values":[104,105,195,169,116]}]`))
	if d := strings.Join(m.Schema.Features[0].Domain, ","); d != "3,7,9.5" {
		t.Errorf("numeric categories %q", d)
	}
	if d := strings.Join(m.Schema.Features[1].Domain, ","); d != "hi,ét" {
		t.Errorf("string categories %q", d)
	}
	for _, tc := range []struct{ enc, want string }{
		{`[{"type":15,"values":[3,7]}]`, "1 entries for 2 features"},
		{`[{"type":15,"values":[3,7]},{"offsets":[0,9],"values":[104]}]`, "outside 1 bytes"},
		{`[{"type":15,"values":[3,7]},{"offsets":[0,1],"values":[300]}]`, "not a byte"},
		{`[{"type":15,"values":[3]},{"offsets":[0,1],"values":[104]}]`, "category 2 of 1"},
	} {
		_, _, err := Read(strings.NewReader(withCats(tc.enc)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("enc %s: error %v, want %q", tc.enc, err, tc.want)
		}
	}
}
