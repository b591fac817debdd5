package h2omojo

import (
	"fmt"

	"github.com/mlctl/mlctl/scoring"
)

// gbm imports a GBM MOJO. h2o-genmodel scores it as: per class, the sum of
// that class's trees, plus init_f and the offset (not for multinomial), then
// the inverse link (bernoulli: logistic; multinomial: softmax; regression:
// the distribution's link).
func (mj *mojo) gbm() (scoring.Model, error) {
	// 1.00 and 1.10 used other bitset encodings and range rules.
	if err := mj.version(1.2, 1.3, 1.4); err != nil {
		return nil, err
	}
	s, err := mj.schema()
	if err != nil {
		return nil, err
	}
	if c := mj.str("calib_method"); c != "" {
		return nil, mj.unsupported("calibrated probabilities (calib_method = %s) are not reproduced; import the model without calibration; %s", c, Supported)
	}
	if bal, err := mj.bool("balance_classes", false); err != nil {
		return nil, err
	} else if bal {
		return nil, mj.unsupported("balance_classes = true (probabilities corrected for class priors) is not reproduced; %s", Supported)
	}
	if v, _ := parseFloat(mj.kv["mojo_version"]); v >= 1.4 {
		switch enc := mj.kv["_genmodel_encoding"]; enc {
		case "AUTO", "Enum":
		case "":
			return nil, mj.malformed("model.ini has no _genmodel_encoding")
		default:
			return nil, mj.unsupported("categorical encoding %s (only AUTO and Enum, which split on the levels themselves, are imported)", enc)
		}
	}
	dist := mj.str("distribution")
	link := mj.str("link_function")
	want, out := "", dist
	switch dist {
	case "gaussian", "laplace", "quantile", "huber":
		want, out = "identity", "gaussian" // all score as the identity of the margin
	case "poisson", "gamma", "tweedie":
		want = "log"
	case "bernoulli":
		want = "logit"
	case "multinomial":
		want = "log"
	default:
		return nil, mj.unsupported("distribution %q; %s", dist, Supported)
	}
	if link != "" && link != want {
		return nil, mj.unsupported("distribution %s with link function %s (only its default link %s is imported)", dist, link, want)
	}
	ntrees, err := mj.int("n_trees")
	if err != nil {
		return nil, err
	}
	if ntrees < 0 || ntrees > len(mj.files) {
		return nil, mj.malformed("n_trees = %d in a zip of %d files", ntrees, len(mj.files))
	}
	nclasses := 1
	if len(s.Classes) > 0 {
		nclasses = len(s.Classes)
	}
	tpc := 0
	if mj.has("n_trees_per_class") {
		if tpc, err = mj.int("n_trees_per_class"); err != nil {
			return nil, err
		}
	} else if nclasses == 2 {
		tpc = 1
	} else {
		tpc = nclasses
	}
	initF, err := mj.float("init_f")
	if err != nil {
		return nil, err
	}
	m := &scoring.GBM{Schema: s, Distribution: out, InitF: []float64{initF}}
	scale := 1.0
	switch dist {
	case "bernoulli":
		if len(s.Classes) != 2 || tpc != 1 {
			return nil, mj.malformed("bernoulli with %d classes and %d trees per class", len(s.Classes), tpc)
		}
	case "multinomial":
		switch {
		case nclasses == 2 && tpc == 1:
			// One tree per group: class 0's margin f, class 1's -f, so
			// P(class 1) = logistic(-2f), f including init_f.
			if s.Offset != "" {
				return nil, mj.unsupported("a two-class multinomial GBM with an offset column")
			}
			m.Distribution, m.InitF, scale = "bernoulli", []float64{-2 * initF}, -2
		case nclasses >= 2 && tpc == nclasses:
			m.InitF = make([]float64, nclasses) // h2o-genmodel adds no init_f here
		default:
			return nil, mj.malformed("multinomial with %d classes and %d trees per class", nclasses, tpc)
		}
	default:
		if len(s.Classes) != 0 || tpc != 1 {
			return nil, mj.malformed("%s regression with %d classes and %d trees per class", dist, len(s.Classes), tpc)
		}
	}
	levels := make([]int, len(s.Features))
	for j, f := range s.Features {
		levels[j] = len(f.Domain)
	}
	budget := maxCatWords
	m.Trees = make([]scoring.Tree, ntrees*tpc)
	for g := 0; g < ntrees; g++ {
		for c := 0; c < tpc; c++ {
			t, err := mj.tree(c, g, levels, scale, &budget)
			if err != nil {
				return nil, err
			}
			m.Trees[g*tpc+c] = t
		}
	}
	return m, nil
}

// emptyTree stands for a tree the MOJO does not hold (H2O skips a class's
// tree when it had nothing to fit): it adds 0. Shared; models are immutable.
var emptyTree = scoring.Tree{
	Feature: []int32{-1}, Threshold: []float64{0}, Flags: []uint8{0}, CatStart: []int32{0}, CatWords: []int32{0},
	Left: []int32{-1}, Right: []int32{-1}, Value: []float64{0}, Cover: []float64{0},
}

func (mj *mojo) tree(class, group int, levels []int, scale float64, budget *int) (scoring.Tree, error) {
	name := fmt.Sprintf("trees/t%02d_%03d.bin", class, group)
	if !mj.exists(name) {
		return emptyTree, nil
	}
	b, err := mj.read(name)
	if err != nil {
		return scoring.Tree{}, err
	}
	nodes, err := decodeTree(b)
	if err != nil {
		return scoring.Tree{}, mj.malformed("%s: %v", name, err)
	}
	var aux map[int32]auxNode
	auxName := fmt.Sprintf("trees/t%02d_%03d_aux.bin", class, group)
	if mj.exists(auxName) {
		ab, err := mj.read(auxName)
		if err != nil {
			return scoring.Tree{}, err
		}
		if aux, err = decodeAux(ab); err != nil {
			return scoring.Tree{}, mj.malformed("%s: %v", auxName, err)
		}
	}
	cov, err := covers(nodes, aux)
	if err != nil {
		return scoring.Tree{}, mj.malformed("%s: %v", auxName, err)
	}
	t, err := toTree(nodes, cov, levels, scale, budget)
	if err != nil {
		return scoring.Tree{}, mj.malformed("%s: %v", name, err)
	}
	return t, nil
}
