package xgboost

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/scoring"
)

// ErrUnsupported marks a well-formed XGBoost model that uses something the
// importer does not translate (an objective, a booster, multi-target trees).
// Test for it with errors.Is; the message names what and what is supported.
var ErrUnsupported = errors.New("not supported")

// maxFeatures bounds the schema a file can ask for by num_feature alone.
const maxFeatures = 1 << 20

// Info is what the model file says about itself, for an artifact manifest.
type Info struct {
	// Version is the XGBoost release that wrote the file.
	Version [3]int `json:"version"`
	// Objective is learner.objective.name, e.g. "binary:logistic".
	Objective string `json:"objective"`
	// Booster is "gbtree" or "dart".
	Booster string `json:"booster"`
	// NumClass is num_class (0 when not multi-class).
	NumClass int `json:"num_class"`
	// Trees is the number of trees in the file; Iterations the boosting
	// rounds; ParallelTrees the trees per class and round.
	Trees         int `json:"trees"`
	Iterations    int `json:"iterations"`
	ParallelTrees int `json:"parallel_trees"`
	// BaseScore is base_score as written (on the response scale: a
	// probability for binary:logistic, a mean for count:poisson), one per
	// output when the file has a vector.
	BaseScore []float64 `json:"base_score"`
	// FeatureNames and FeatureTypes are as in the file (empty when absent).
	FeatureNames []string `json:"feature_names,omitempty"`
	FeatureTypes []string `json:"feature_types,omitempty"`
	// Parameters holds learner_model_param and the objective's parameters,
	// dotted by section: "learner_model_param.num_feature",
	// "objective.reg_loss_param.scale_pos_weight".
	Parameters map[string]string `json:"parameters"`
	// Attributes is learner.attributes (non-string values as JSON text).
	Attributes map[string]string `json:"attributes,omitempty"`
}

type fileModel struct {
	Version []int `json:"version"`
	Learner *struct {
		FeatureNames    []string       `json:"feature_names"`
		FeatureTypes    []string       `json:"feature_types"`
		Attributes      map[string]any `json:"attributes"`
		GradientBooster *boosterJSON   `json:"gradient_booster"`
		ModelParam      map[string]any `json:"learner_model_param"`
		Objective       map[string]any `json:"objective"`
	} `json:"learner"`
}

type boosterJSON struct {
	Name       string        `json:"name"`
	Model      *gbtreeJSON   `json:"model"`
	Gbtree     *boosterJSON  `json:"gbtree"` // dart wraps a gbtree
	WeightDrop []json.Number `json:"weight_drop"`
}

type gbtreeJSON struct {
	Param struct {
		NumTrees        string `json:"num_trees"`
		NumParallelTree string `json:"num_parallel_tree"`
	} `json:"gbtree_model_param"`
	Trees    []treeJSON `json:"trees"`
	TreeInfo []int      `json:"tree_info"`
	Cats     *catsJSON  `json:"cats"`
}

// Read decodes an XGBoost JSON model (Booster.save_model("m.json"),
// XGBoost 1.0 to 3.x) into a scoring GBM and what the file says about
// itself. See the package documentation for what is translated and how.
func Read(r io.Reader) (*scoring.GBM, *Info, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("xgboost: %w", err)
	}
	var f fileModel
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		return nil, nil, fmt.Errorf("xgboost: not a JSON model (the binary UBJSON format is not read): %w", err)
	}
	if f.Learner == nil || f.Learner.GradientBooster == nil {
		return nil, nil, errors.New("xgboost: no learner.gradient_booster: not an XGBoost JSON model")
	}
	info := &Info{Parameters: map[string]string{}, FeatureNames: f.Learner.FeatureNames, FeatureTypes: f.Learner.FeatureTypes}
	if len(f.Version) != 3 {
		return nil, nil, fmt.Errorf("xgboost: version %v is not [major, minor, patch]", f.Version)
	}
	copy(info.Version[:], f.Version)
	if v := info.Version[0]; v < 1 || v > 3 {
		return nil, nil, fmt.Errorf("xgboost: a model file of XGBoost %d.%d: %w (JSON models of XGBoost 1.x to 3.x are)", v, info.Version[1], ErrUnsupported)
	}
	flatten(info.Parameters, "learner_model_param", f.Learner.ModelParam)
	flatten(info.Parameters, "objective", f.Learner.Objective)
	if len(f.Learner.Attributes) > 0 {
		info.Attributes = map[string]string{}
		flatten(info.Attributes, "", f.Learner.Attributes)
	}
	info.Objective = info.Parameters["objective.name"]

	mp := func(key string) (int, error) {
		s, ok := info.Parameters["learner_model_param."+key]
		if !ok {
			return 0, nil
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, fmt.Errorf("xgboost: learner_model_param.%s is %q", key, s)
		}
		return v, nil
	}
	nfeat, err := mp("num_feature")
	if err != nil {
		return nil, nil, err
	}
	if info.NumClass, err = mp("num_class"); err != nil {
		return nil, nil, err
	}
	if nt, err := mp("num_target"); err != nil {
		return nil, nil, err
	} else if nt > 1 {
		return nil, nil, fmt.Errorf("xgboost: a model of %d targets: %w (one target is)", nt, ErrUnsupported)
	}
	if info.BaseScore, err = parseBaseScore(info.Parameters["learner_model_param.base_score"]); err != nil {
		return nil, nil, err
	}

	obj, err := objectiveFor(info)
	if err != nil {
		return nil, nil, err
	}
	schema, catFeature, err := schemaFor(f.Learner.FeatureNames, f.Learner.FeatureTypes, nfeat)
	if err != nil {
		return nil, nil, err
	}
	if obj.k > 1 {
		for c := 0; c < obj.k; c++ {
			schema.Classes = append(schema.Classes, strconv.Itoa(c))
		}
	} else if obj.dist == "bernoulli" {
		schema.Classes = []string{"0", "1"}
	}

	gb := f.Learner.GradientBooster
	info.Booster = gb.Name
	var weights []float64
	switch gb.Name {
	case "gbtree":
	case "dart":
		if gb.Gbtree == nil {
			return nil, nil, errors.New("xgboost: a dart booster without its gbtree")
		}
		for i, w := range gb.WeightDrop {
			v, err := strconv.ParseFloat(string(w), 32)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("xgboost: dart weight_drop[%d] is %q", i, w)
			}
			weights = append(weights, v)
		}
		gb = gb.Gbtree
	case "gblinear":
		return nil, nil, fmt.Errorf("xgboost: the gblinear booster: %w (gbtree and dart are)", ErrUnsupported)
	default:
		return nil, nil, fmt.Errorf("xgboost: booster %q: %w (gbtree and dart are)", gb.Name, ErrUnsupported)
	}
	if gb.Model == nil {
		return nil, nil, errors.New("xgboost: gradient_booster has no model")
	}
	gm := gb.Model
	if info.Booster == "dart" {
		if len(weights) != len(gm.Trees) {
			return nil, nil, fmt.Errorf("xgboost: dart has %d weights for %d trees", len(weights), len(gm.Trees))
		}
	}
	info.Trees = len(gm.Trees)
	if s := gm.Param.NumTrees; s != "" && s != strconv.Itoa(info.Trees) {
		return nil, nil, fmt.Errorf("xgboost: num_trees is %q, the file has %d trees", s, info.Trees)
	}
	info.ParallelTrees = 1
	if s := gm.Param.NumParallelTree; s != "" {
		if info.ParallelTrees, err = strconv.Atoi(s); err != nil || info.ParallelTrees < 1 {
			return nil, nil, fmt.Errorf("xgboost: num_parallel_tree is %q", s)
		}
	}
	if per := obj.k * info.ParallelTrees; per > 0 {
		info.Iterations = (info.Trees + per - 1) / per
	}
	if len(gm.TreeInfo) != len(gm.Trees) {
		return nil, nil, fmt.Errorf("xgboost: tree_info has %d entries for %d trees", len(gm.TreeInfo), len(gm.Trees))
	}
	names, err := categoryNames(gm.Cats, len(schema.Features))
	if err != nil {
		return nil, nil, err
	}

	maxCat := make([]int, len(schema.Features))
	for j := range maxCat {
		maxCat[j] = -1
	}
	byClass := make([][]scoring.Tree, obj.k)
	for i := range gm.Trees {
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		t, err := convertTree(&gm.Trees[i], catFeature, maxCat, w)
		if err != nil {
			return nil, nil, fmt.Errorf("xgboost: tree %d: %w", i, err)
		}
		c := gm.TreeInfo[i]
		if c < 0 || c >= obj.k {
			return nil, nil, fmt.Errorf("xgboost: tree %d is for output %d of %d", i, c, obj.k)
		}
		byClass[c] = append(byClass[c], t)
	}
	m := &scoring.GBM{Schema: schema, Distribution: obj.dist, InitF: obj.init, Trees: interleave(byClass)}
	for j := range m.Schema.Features {
		ft := &m.Schema.Features[j]
		if ft.Type != scoring.Categorical {
			continue
		}
		if len(names[j]) > 0 {
			if maxCat[j] >= len(names[j]) {
				return nil, nil, fmt.Errorf("xgboost: feature %q: a split on category %d of %d", ft.Name, maxCat[j], len(names[j]))
			}
			ft.Domain = names[j]
			continue
		}
		// Without the training categories, the domain is every code up to
		// the largest one a split names, written in decimal: code == value.
		levels := maxCat[j] + 1
		if levels < 1 {
			levels = 1 // no split uses it; any value scores the same
		}
		ft.Domain = make([]string, levels)
		for c := range ft.Domain {
			ft.Domain[c] = strconv.Itoa(c)
		}
	}
	if err := scoring.Validate(m); err != nil {
		return nil, nil, fmt.Errorf("xgboost: the translated model is inconsistent: %w", err)
	}
	return m, info, nil
}

// interleave orders trees class-major as scoring.GBM wants (tree t for
// class t % K), padding a class that has fewer trees with zero leaves.
func interleave(byClass [][]scoring.Tree) []scoring.Tree {
	rounds := 0
	for _, ts := range byClass {
		rounds = max(rounds, len(ts))
	}
	out := make([]scoring.Tree, 0, rounds*len(byClass))
	for r := 0; r < rounds; r++ {
		for _, ts := range byClass {
			if r < len(ts) {
				out = append(out, ts[r])
			} else {
				out = append(out, zeroTree())
			}
		}
	}
	return out
}

func zeroTree() scoring.Tree {
	return scoring.Tree{Feature: []int32{-1}, Threshold: []float64{0}, Flags: []uint8{0}, CatStart: []int32{0},
		CatWords: []int32{0}, Left: []int32{-1}, Right: []int32{-1}, Value: []float64{0}, Cover: []float64{0}}
}

// parseBaseScore reads "5E-1", "0.500000" (1.0), "[2.3463263E-1]" or
// "[a,b,c]" (3.1 and later) as float32 values, as XGBoost does.
func parseBaseScore(s string) ([]float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return []float64{0.5}, nil // XGBoost's default before it was written
	}
	body := s
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		body = s[1 : len(s)-1]
	}
	var out []float64
	for _, p := range strings.Split(body, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 32)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("xgboost: base_score %q is not a list of finite numbers", s)
		}
		out = append(out, v)
	}
	return out, nil
}

// flatten writes the string leaves of a decoded JSON object into dst under
// dotted keys; other scalars are kept as their JSON text.
func flatten(dst map[string]string, prefix string, v map[string]any) {
	for k, x := range v {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch x := x.(type) {
		case string:
			dst[key] = x
		case map[string]any:
			flatten(dst, key, x)
		default:
			b, _ := json.Marshal(x)
			dst[key] = string(b)
		}
	}
}

func schemaFor(names, types []string, nfeat int) (scoring.Schema, []bool, error) {
	if nfeat == 0 {
		nfeat = max(len(names), len(types))
	}
	if nfeat > maxFeatures {
		return scoring.Schema{}, nil, fmt.Errorf("xgboost: %d features: %w (at most %d are)", nfeat, ErrUnsupported, maxFeatures)
	}
	if len(names) != 0 && len(names) != nfeat {
		return scoring.Schema{}, nil, fmt.Errorf("xgboost: %d feature names for %d features", len(names), nfeat)
	}
	if len(types) != 0 && len(types) != nfeat {
		return scoring.Schema{}, nil, fmt.Errorf("xgboost: %d feature types for %d features", len(types), nfeat)
	}
	s := scoring.Schema{Response: "label", Features: make([]scoring.Feature, nfeat)}
	cat := make([]bool, nfeat)
	for j := range s.Features {
		f := &s.Features[j]
		f.Name, f.Type = "f"+strconv.Itoa(j), scoring.Numeric
		if len(names) != 0 {
			f.Name = names[j]
		}
		if len(types) != 0 {
			switch types[j] {
			case "q", "float", "int", "i":
			case "c":
				f.Type, cat[j] = scoring.Categorical, true
			default:
				return scoring.Schema{}, nil, fmt.Errorf("xgboost: feature %q has type %q (q, float, int, i or c)", f.Name, types[j])
			}
		}
	}
	return s, cat, nil
}
