package xgboost

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/mlctl/mlctl/scoring"
)

// maxCategory bounds the category codes a split may name: XGBoost keeps a
// category as a float32 and treats 2^24 and above as invalid.
const maxCategory = 1 << 24

type treeJSON struct {
	Param struct {
		SizeLeafVector string `json:"size_leaf_vector"`
	} `json:"tree_param"`
	Left            []int32       `json:"left_children"`
	Right           []int32       `json:"right_children"`
	SplitIndices    []int64       `json:"split_indices"`
	SplitConditions []json.Number `json:"split_conditions"`
	DefaultLeft     []flexBool    `json:"default_left"`
	SumHessian      []json.Number `json:"sum_hessian"`
	SplitType       []int         `json:"split_type"`
	CatNodes        []int32       `json:"categories_nodes"`
	CatSegments     []int64       `json:"categories_segments"`
	CatSizes        []int64       `json:"categories_sizes"`
	Categories      []int32       `json:"categories"`
}

// flexBool reads default_left, written as true/false by 1.x and as 0/1 later.
type flexBool bool

func (b *flexBool) UnmarshalJSON(p []byte) error {
	switch string(p) {
	case "true", "1":
		*b = true
	case "false", "0":
		*b = false
	default:
		return fmt.Errorf("default_left value %s", p)
	}
	return nil
}

func float32Of(n json.Number) (float64, error) {
	v, err := strconv.ParseFloat(string(n), 32)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a finite float32", string(n))
	}
	return v, nil
}

// convertTree translates one XGBoost tree into scoring's layout, breadth
// first from the root (nodes the pruner deleted are unreachable and
// dropped). weight scales the leaves (dart). maxCat[j] grows to the largest
// category a split on feature j names.
func convertTree(jt *treeJSON, catFeature []bool, maxCat []int, weight float64) (scoring.Tree, error) {
	var t scoring.Tree
	if s := jt.Param.SizeLeafVector; s != "" && s != "0" && s != "1" {
		return t, fmt.Errorf("leaves of %s values (a multi-target tree): %w", s, ErrUnsupported)
	}
	n := len(jt.Left)
	if n == 0 {
		return t, errors.New("no nodes")
	}
	if len(jt.Right) != n || len(jt.SplitIndices) != n || len(jt.SplitConditions) != n ||
		len(jt.DefaultLeft) != n || len(jt.SumHessian) != n || (jt.SplitType != nil && len(jt.SplitType) != n) {
		return t, fmt.Errorf("node arrays differ in length (%d left_children)", n)
	}
	cats, err := nodeCategories(jt, n)
	if err != nil {
		return t, err
	}

	src := []int32{0} // breadth-first queue of file node ids; its index is the new id
	seen := make([]bool, n)
	seen[0] = true
	for q := 0; q < len(src); q++ {
		i := src[q]
		hess, err := float32Of(jt.SumHessian[i])
		if err != nil {
			return t, fmt.Errorf("node %d: sum_hessian %v", i, err)
		}
		cond, err := float32Of(jt.SplitConditions[i])
		if err != nil {
			return t, fmt.Errorf("node %d: split_condition %v", i, err)
		}
		t.Cover = append(t.Cover, hess)
		t.CatStart = append(t.CatStart, 0)
		t.CatWords = append(t.CatWords, 0)
		if jt.Left[i] == -1 {
			// A leaf's value is kept in split_conditions (base_weights is
			// the weight before the learning rate in older releases).
			t.Feature = append(t.Feature, -1)
			t.Threshold = append(t.Threshold, 0)
			t.Flags = append(t.Flags, 0)
			t.Left = append(t.Left, -1)
			t.Right = append(t.Right, -1)
			t.Value = append(t.Value, cond*weight)
			continue
		}
		l, r := jt.Left[i], jt.Right[i]
		for _, c := range [2]int32{l, r} {
			if c < 0 || int(c) >= n || seen[c] {
				return t, fmt.Errorf("node %d has child %d (of %d nodes, or one already placed)", i, c, n)
			}
			seen[c] = true
		}
		f := jt.SplitIndices[i]
		if f < 0 || f >= int64(len(catFeature)) {
			return t, fmt.Errorf("node %d splits on feature %d of %d", i, f, len(catFeature))
		}
		next := int32(len(src))
		t.Feature = append(t.Feature, int32(f))
		t.Value = append(t.Value, 0)
		dl := bool(jt.DefaultLeft[i])
		if jt.SplitType != nil && jt.SplitType[i] != 0 {
			if jt.SplitType[i] != 1 {
				return t, fmt.Errorf("node %d has split_type %d", i, jt.SplitType[i])
			}
			if !catFeature[f] {
				return t, fmt.Errorf("node %d: a category split on feature %d, which the file does not mark \"c\"", i, f)
			}
			set, ok := cats[i]
			if !ok {
				return t, fmt.Errorf("node %d: a category split without categories", i)
			}
			// XGBoost sends the listed categories right and everything
			// else (unlisted, above the set, negative, >= 2^24) left.
			// scoring sends a set's members left and a level above the
			// set right, so the set stays and the children swap.
			words := make([]uint64, 0, 1)
			for _, c := range set {
				w := int(c >> 6)
				for len(words) <= w {
					words = append(words, 0)
				}
				words[w] |= 1 << (uint(c) & 63)
				maxCat[f] = max(maxCat[f], int(c))
			}
			t.Threshold = append(t.Threshold, 0)
			fl := scoring.FlagCat
			if !dl { // a missing value goes to XGBoost's right child, now scoring's left
				fl |= scoring.FlagNALeft
			}
			t.Flags = append(t.Flags, fl)
			t.CatStart[len(t.CatStart)-1] = int32(len(t.Cats))
			t.CatWords[len(t.CatWords)-1] = int32(len(words))
			t.Cats = append(t.Cats, words...)
			t.Left = append(t.Left, next)
			t.Right = append(t.Right, next+1)
			src = append(src, r, l)
			continue
		}
		fl := uint8(0)
		if dl {
			fl = scoring.FlagNALeft
		}
		t.Threshold = append(t.Threshold, below(float32(cond)))
		t.Flags = append(t.Flags, fl)
		t.Left = append(t.Left, next)
		t.Right = append(t.Right, next+1)
		src = append(src, l, r)
	}
	return t, nil
}

// nodeCategories reads the categories_* arrays into each categorical
// node's list.
func nodeCategories(jt *treeJSON, n int) (map[int32][]int32, error) {
	k := len(jt.CatNodes)
	if len(jt.CatSegments) != k || len(jt.CatSizes) != k {
		return nil, fmt.Errorf("%d categories_nodes, %d segments, %d sizes", k, len(jt.CatSegments), len(jt.CatSizes))
	}
	out := make(map[int32][]int32, k)
	for j, node := range jt.CatNodes {
		beg, size := jt.CatSegments[j], jt.CatSizes[j]
		if node < 0 || int(node) >= n || beg < 0 || size < 1 || beg > int64(len(jt.Categories)) || size > int64(len(jt.Categories))-beg {
			return nil, fmt.Errorf("categories entry %d (node %d, [%d, +%d)) is outside the tree or the %d categories", j, node, beg, size, len(jt.Categories))
		}
		if _, dup := out[node]; dup {
			return nil, fmt.Errorf("node %d has two category lists", node)
		}
		set := jt.Categories[beg : beg+size]
		for _, c := range set {
			if c < 0 || c >= maxCategory {
				return nil, fmt.Errorf("node %d splits on category %d (XGBoost's categories are 0 to 2^24-1)", node, c)
			}
		}
		out[node] = set
	}
	return out, nil
}

type catsJSON struct {
	Enc []struct {
		Offsets []int64       `json:"offsets"`
		Values  []json.Number `json:"values"`
		Type    *int          `json:"type"`
	} `json:"enc"`
}

// categoryNames reads the training categories that XGBoost 3.1 and later
// keep for a model trained on a data frame (gradient_booster.model.cats):
// names[j] is feature j's categories in code order, nil when the file has
// none for it. Strings are stored as UTF-8 bytes cut by offsets, numbers
// as values alone.
func categoryNames(c *catsJSON, nfeat int) ([][]string, error) {
	names := make([][]string, nfeat)
	if c == nil || len(c.Enc) == 0 {
		return names, nil
	}
	if len(c.Enc) != nfeat {
		return nil, fmt.Errorf("xgboost: cats.enc has %d entries for %d features", len(c.Enc), nfeat)
	}
	for j, e := range c.Enc {
		switch {
		case len(e.Offsets) > 0: // strings
			buf := make([]byte, len(e.Values))
			for i, v := range e.Values {
				b, err := strconv.ParseUint(string(v), 10, 8)
				if err != nil {
					return nil, fmt.Errorf("xgboost: cats.enc[%d] value %q is not a byte", j, v)
				}
				buf[i] = byte(b)
			}
			for i := 1; i < len(e.Offsets); i++ {
				lo, hi := e.Offsets[i-1], e.Offsets[i]
				if lo < 0 || hi < lo || hi > int64(len(buf)) {
					return nil, fmt.Errorf("xgboost: cats.enc[%d] offsets [%d, %d) outside %d bytes", j, lo, hi, len(buf))
				}
				names[j] = append(names[j], string(buf[lo:hi]))
			}
		case len(e.Values) > 0: // numbers
			for _, v := range e.Values {
				x, err := strconv.ParseFloat(string(v), 64)
				if err != nil {
					return nil, fmt.Errorf("xgboost: cats.enc[%d] value %q", j, v)
				}
				names[j] = append(names[j], strconv.FormatFloat(x, 'g', -1, 64))
			}
		}
	}
	return names, nil
}
