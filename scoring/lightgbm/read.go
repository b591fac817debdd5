package lightgbm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/scoring"
)

// ErrUnsupported marks a well-formed LightGBM model that uses something the
// importer does not translate (an objective, linear trees). Test for it with
// errors.Is; the message names what and what is supported.
var ErrUnsupported = errors.New("not supported")

// Info is what the model file says about itself, for an artifact manifest.
type Info struct {
	// Version is the model format ("v4").
	Version string `json:"version"`
	// Objective is the objective line as written, e.g. "binary sigmoid:1";
	// ObjectiveName its first word after LightGBM's aliases ("binary").
	Objective     string `json:"objective"`
	ObjectiveName string `json:"objective_name"`
	// Sigmoid is the binary objective's sigmoid parameter (0 otherwise).
	Sigmoid float64 `json:"sigmoid,omitempty"`
	// NumClass and TreesPerIteration as in the header; Trees in the file;
	// Iterations = Trees / TreesPerIteration.
	NumClass          int `json:"num_class"`
	TreesPerIteration int `json:"trees_per_iteration"`
	Trees             int `json:"trees"`
	Iterations        int `json:"iterations"`
	// AverageOutput is set for random-forest models (boosting=rf), whose
	// prediction is the mean of the trees rather than their sum.
	AverageOutput bool `json:"average_output,omitempty"`
	// FeatureNames and FeatureInfos are the header lines, one per feature
	// ("[min:max]" for a number, "c1:c2:..." for a categorical, "none" for
	// a feature training never used).
	FeatureNames []string `json:"feature_names"`
	FeatureInfos []string `json:"feature_infos"`
	// Parameters is the "parameters:" block, "[key: value]" per line.
	Parameters map[string]string `json:"parameters"`
	// PandasCategorical is the last line's JSON (the category lists of
	// the data frame's category columns), "" when null or absent.
	PandasCategorical string `json:"pandas_categorical,omitempty"`
}

// maxLevels bounds a categorical feature's domain: the importer spells out
// every code from 0 to the largest one the model knows.
const maxLevels = 1 << 20

// Read decodes a LightGBM text model (Booster.save_model, model.txt) into a
// scoring GBM and what the file says about itself. See the package
// documentation for what is translated and how.
func Read(r io.Reader) (*scoring.GBM, *Info, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("lightgbm: %w", err)
	}
	f, err := split(b)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.info()
	if err != nil {
		return nil, nil, err
	}
	obj, err := objectiveFor(info)
	if err != nil {
		return nil, nil, err
	}
	if f.params["linear_tree"] == "1" {
		return nil, nil, fmt.Errorf("lightgbm: linear trees (linear_tree=1): %w (trees with constant leaves are)", ErrUnsupported)
	}
	nfeat := len(info.FeatureNames)
	kinds := make([]featureKind, nfeat)
	for j, fi := range info.FeatureInfos {
		if kinds[j], err = kindOf(fi); err != nil {
			return nil, nil, fmt.Errorf("lightgbm: feature %q: %w", info.FeatureNames[j], err)
		}
	}
	// Leaves are scaled so that the sum of the trees is the margin scoring
	// transforms: by sigmoid for binary (p = 1/(1+exp(-sigmoid*sum))) and
	// by 1/iterations for a random forest (the mean of the trees).
	scale := 1.0
	if obj.dist == "bernoulli" {
		scale = info.Sigmoid
	}
	if info.AverageOutput && info.Iterations > 0 {
		scale /= float64(info.Iterations)
	}
	cv := &converter{kinds: kinds, maxCode: make([]int, nfeat), scale: scale}
	for j := range cv.maxCode {
		cv.maxCode[j] = -1
	}
	trees := make([]scoring.Tree, len(f.trees))
	for i, sec := range f.trees {
		if trees[i], err = cv.tree(sec); err != nil {
			return nil, nil, fmt.Errorf("lightgbm: Tree=%d: %w", i, err)
		}
	}
	schema := scoring.Schema{Response: "label", Features: make([]scoring.Feature, nfeat)}
	if name, ok := strings.CutPrefix(f.params["label_column"], "name:"); ok && name != "" {
		schema.Response = name
	}
	for j := range schema.Features {
		ft := &schema.Features[j]
		ft.Name, ft.Type = info.FeatureNames[j], scoring.Numeric
		if kinds[j].cat {
			levels := max(cv.maxCode[j], kinds[j].maxCode) + 1
			if levels > maxLevels {
				return nil, nil, fmt.Errorf("lightgbm: feature %q has category codes up to %d: %w (codes below %d are)", ft.Name, levels-1, ErrUnsupported, maxLevels)
			}
			ft.Type, ft.Domain = scoring.Categorical, make([]string, max(levels, 1))
			for c := range ft.Domain {
				ft.Domain[c] = strconv.Itoa(c)
			}
		}
	}
	switch obj.dist {
	case "bernoulli":
		schema.Classes = []string{"0", "1"}
	case "multinomial":
		for c := 0; c < obj.k; c++ {
			schema.Classes = append(schema.Classes, strconv.Itoa(c))
		}
	}
	m := &scoring.GBM{Schema: schema, Distribution: obj.dist, InitF: make([]float64, obj.k), Trees: trees}
	if err := scoring.Validate(m); err != nil {
		return nil, nil, fmt.Errorf("lightgbm: the translated model is inconsistent: %w", err)
	}
	return m, info, nil
}

// file is a model file cut into its sections.
type file struct {
	header map[string]string
	trees  []map[string]string
	params map[string]string
	pandas string
}

// split cuts the text into the header's key=value lines, one key=value map
// per "Tree=i" section, the parameters block and the pandas_categorical
// line, as LightGBM's loader reads them.
func split(b []byte) (*file, error) {
	f := &file{header: map[string]string{}, params: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), len(b)+1)
	const (
		head = iota
		tree
		tail
		params
	)
	state, first, ended := head, true, false
	var cur map[string]string
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if first {
			if line != "tree" {
				return nil, errors.New("lightgbm: the first line is not \"tree\": not a LightGBM text model")
			}
			first = false
			continue
		}
		switch {
		case state == params:
			if line == "end of parameters" {
				state = tail
				continue
			}
			if line == "" {
				continue
			}
			k, v, ok := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(line, "["), "]"), ": ")
			if !ok {
				k, v = strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(line, "["), "]"), ":"), ""
			}
			f.params[k] = v
		case strings.HasPrefix(line, "Tree="):
			if state == tail {
				return nil, errors.New("lightgbm: a tree after \"end of trees\"")
			}
			if line != "Tree="+strconv.Itoa(len(f.trees)) {
				return nil, fmt.Errorf("lightgbm: %q where Tree=%d was due", line, len(f.trees))
			}
			state, cur = tree, map[string]string{}
			f.trees = append(f.trees, cur)
		case line == "end of trees":
			state, ended = tail, true
		case line == "parameters:":
			state = params
		case strings.HasPrefix(line, "pandas_categorical:"):
			if v := strings.TrimPrefix(line, "pandas_categorical:"); v != "null" {
				f.pandas = v
			}
		case line == "":
			if state == tree {
				cur = nil
			}
		case state == head || (state == tree && cur != nil):
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				k, v = line, "" // "average_output" stands alone
			}
			dst := f.header
			if state == tree {
				dst = cur
			}
			if _, dup := dst[k]; dup {
				return nil, fmt.Errorf("lightgbm: %q appears twice", k)
			}
			dst[k] = v
		case state == tree:
			return nil, fmt.Errorf("lightgbm: %.40q between trees", line)
		}
		// Anything else after the trees (feature_importances, parser
		// configuration) is not needed for scoring.
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("lightgbm: %w", err)
	}
	if first {
		return nil, errors.New("lightgbm: empty input")
	}
	if state == params {
		return nil, errors.New("lightgbm: the parameters block has no end")
	}
	if !ended {
		return nil, errors.New("lightgbm: no \"end of trees\" line (a truncated file?)")
	}
	if s, ok := f.header["tree_sizes"]; ok && len(strings.Fields(s)) != len(f.trees) {
		return nil, fmt.Errorf("lightgbm: tree_sizes lists %d trees, the file has %d (a truncated file?)", len(strings.Fields(s)), len(f.trees))
	}
	return f, nil
}

func (f *file) info() (*Info, error) {
	h := f.header
	info := &Info{Version: h["version"], Objective: h["objective"], Parameters: f.params, PandasCategorical: f.pandas}
	switch info.Version {
	case "v2", "v3", "v4":
	default:
		return nil, fmt.Errorf("lightgbm: model format version %q: %w (v2 to v4 are)", info.Version, ErrUnsupported)
	}
	num := func(key string, def int) (int, error) {
		s, ok := h[key]
		if !ok {
			if def >= 0 {
				return def, nil
			}
			return 0, fmt.Errorf("lightgbm: the header has no %s", key)
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, fmt.Errorf("lightgbm: %s=%q", key, s)
		}
		return v, nil
	}
	var err error
	if info.NumClass, err = num("num_class", -1); err != nil {
		return nil, err
	}
	if info.TreesPerIteration, err = num("num_tree_per_iteration", info.NumClass); err != nil {
		return nil, err
	}
	maxFeature, err := num("max_feature_idx", -1)
	if err != nil {
		return nil, err
	}
	info.FeatureNames = strings.Split(h["feature_names"], " ")
	info.FeatureInfos = strings.Split(h["feature_infos"], " ")
	if _, ok := h["feature_names"]; !ok || len(info.FeatureNames) != maxFeature+1 {
		return nil, fmt.Errorf("lightgbm: %d feature names for max_feature_idx %d", len(info.FeatureNames), maxFeature)
	}
	if _, ok := h["feature_infos"]; !ok || len(info.FeatureInfos) != maxFeature+1 {
		return nil, fmt.Errorf("lightgbm: %d feature_infos for max_feature_idx %d", len(info.FeatureInfos), maxFeature)
	}
	_, info.AverageOutput = h["average_output"]
	info.Trees = len(f.trees)
	if info.TreesPerIteration < 1 || info.Trees%info.TreesPerIteration != 0 {
		return nil, fmt.Errorf("lightgbm: %d trees for %d trees per iteration", info.Trees, info.TreesPerIteration)
	}
	info.Iterations = info.Trees / info.TreesPerIteration
	return info, nil
}

type featureKind struct {
	cat     bool
	maxCode int // the largest category code feature_infos lists (-1: none)
}

// kindOf reads one feature_infos entry: "[min:max]" for a number, "none" for
// a feature training left out, else the categorical codes "c1:c2:..." (-1
// stands for NaN there).
func kindOf(fi string) (featureKind, error) {
	k := featureKind{maxCode: -1}
	if fi == "none" || (strings.HasPrefix(fi, "[") && strings.HasSuffix(fi, "]")) {
		return k, nil
	}
	k.cat = true
	for _, s := range strings.Split(fi, ":") {
		c, err := strconv.Atoi(s)
		if err != nil {
			return k, fmt.Errorf("feature_infos %.40q is neither [min:max], none nor category codes", fi)
		}
		if c < maxLevels {
			k.maxCode = max(k.maxCode, c)
		}
	}
	return k, nil
}

func parseFloats(s string) ([]float64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, " ")
	out := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("%.40q is not a number", p)
		}
		out[i] = v
	}
	return out, nil
}

func parseInts(s string, bits int) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, " ")
	out := make([]int64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseInt(p, 10, bits)
		if err != nil {
			return nil, fmt.Errorf("%.40q is not an integer of %d bits", p, bits)
		}
		out[i] = v
	}
	return out, nil
}

// zeroThreshold is LightGBM's kZeroThreshold: the double nearest the float
// 1e-35f. Its predictor turns every row value of at most this magnitude
// into 0 before it walks the trees.
var zeroThreshold = float64(float32(1e-35))

// finite reports whether every value is a number other than ±Inf.
func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
