package lightgbm

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/mlctl/mlctl/scoring"
)

// decision_type bits (LightGBM's tree.h): kCategoricalMask, kDefaultLeftMask,
// then the missing type in bits 2-3.
const (
	catMask         = 1
	defaultLeftMask = 2
	missingNone     = 0
	missingZero     = 1
	missingNaN      = 2
)

type converter struct {
	kinds   []featureKind
	maxCode []int // per feature, the largest category code a split names
	scale   float64
}

// arrays reads a tree section's parallel arrays and checks their lengths.
type arrays struct {
	feature, decision, left, right []int64
	threshold, leafValue           []float64
	innerCover, leafCover          []float64
	catBounds, catBits             []int64
}

func readArrays(sec map[string]string, leaves int) (*arrays, error) {
	a := &arrays{}
	var err error
	fl := func(key string, n int, required bool) []float64 {
		if err != nil {
			return nil
		}
		s, ok := sec[key]
		if !ok {
			if required {
				err = fmt.Errorf("no %s", key)
			}
			return nil
		}
		var v []float64
		if v, err = parseFloats(s); err == nil && len(v) != n {
			err = fmt.Errorf("%s has %d values, want %d", key, len(v), n)
		} else if err != nil {
			err = fmt.Errorf("%s: %w", key, err)
		}
		return v
	}
	in := func(key string, n, bits int, required bool) []int64 {
		if err != nil {
			return nil
		}
		s, ok := sec[key]
		if !ok {
			if required {
				err = fmt.Errorf("no %s", key)
			}
			return nil
		}
		var v []int64
		if v, err = parseInts(s, bits); err == nil && n >= 0 && len(v) != n {
			err = fmt.Errorf("%s has %d values, want %d", key, len(v), n)
		} else if err != nil {
			err = fmt.Errorf("%s: %w", key, err)
		}
		return v
	}
	inner := leaves - 1
	a.leafValue = fl("leaf_value", leaves, true)
	if a.leafCover = fl("leaf_weight", leaves, false); a.leafCover == nil && err == nil {
		a.leafCover = intsAsFloats(in("leaf_count", leaves, 64, false))
	}
	if leaves == 1 {
		return a, err
	}
	a.feature = in("split_feature", inner, 32, true)
	a.threshold = fl("threshold", inner, true)
	a.decision = in("decision_type", inner, 8, false)
	a.left = in("left_child", inner, 32, true)
	a.right = in("right_child", inner, 32, true)
	if a.innerCover = fl("internal_weight", inner, false); a.innerCover == nil && err == nil {
		a.innerCover = intsAsFloats(in("internal_count", inner, 64, false))
	}
	if err != nil {
		return nil, err
	}
	nc, err := strconv.Atoi(sec["num_cat"])
	if err != nil || nc < 0 || nc > inner {
		return nil, fmt.Errorf("num_cat=%q", sec["num_cat"])
	}
	if nc > 0 {
		a.catBounds = in("cat_boundaries", nc+1, 32, true)
		a.catBits = in("cat_threshold", -1, 64, true)
		if err != nil {
			return nil, err
		}
		for i, b := range a.catBounds {
			if b < 0 || (i > 0 && b < a.catBounds[i-1]) || b > int64(len(a.catBits)) {
				return nil, fmt.Errorf("cat_boundaries %v do not cut %d words", a.catBounds, len(a.catBits))
			}
		}
		if a.catBounds[nc] != int64(len(a.catBits)) {
			return nil, fmt.Errorf("cat_boundaries end at %d of %d words", a.catBounds[nc], len(a.catBits))
		}
		for _, w := range a.catBits {
			if w < 0 || w > math.MaxUint32 {
				return nil, fmt.Errorf("cat_threshold word %d is not 32 bits", w)
			}
		}
	}
	return a, err
}

func intsAsFloats(v []int64) []float64 {
	if v == nil {
		return nil
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// tree translates one "Tree=i" section, breadth first from the root.
// LightGBM numbers inner nodes 0..L-2 and leaves 0..L-1; a child c >= 0 is
// inner node c, c < 0 is leaf ^c.
func (cv *converter) tree(sec map[string]string) (scoring.Tree, error) {
	var t scoring.Tree
	if sec["is_linear"] == "1" {
		return t, fmt.Errorf("a linear tree: %w (trees with constant leaves are)", ErrUnsupported)
	}
	leaves, err := strconv.Atoi(sec["num_leaves"])
	if err != nil || leaves < 1 {
		return t, fmt.Errorf("num_leaves=%q", sec["num_leaves"])
	}
	a, err := readArrays(sec, leaves)
	if err != nil {
		return t, err
	}
	if !finite(a.leafValue) {
		return t, errors.New("a leaf value is not finite")
	}
	inner := leaves - 1
	seenInner, seenLeaf := make([]bool, inner), make([]bool, leaves)
	queue := []int64{^0} // a lone leaf
	if inner > 0 {
		queue[0], seenInner[0] = 0, true
	} else {
		seenLeaf[0] = true
	}
	for q := 0; q < len(queue); q++ {
		ref := queue[q]
		t.CatStart = append(t.CatStart, 0)
		t.CatWords = append(t.CatWords, 0)
		if ref < 0 {
			l := ^ref
			t.Feature = append(t.Feature, -1)
			t.Threshold = append(t.Threshold, 0)
			t.Flags = append(t.Flags, 0)
			t.Left = append(t.Left, -1)
			t.Right = append(t.Right, -1)
			t.Value = append(t.Value, a.leafValue[l]*cv.scale)
			t.Cover = append(t.Cover, at(a.leafCover, l))
			continue
		}
		i := ref
		for _, c := range [2]int64{a.left[i], a.right[i]} {
			switch {
			case c >= 0 && c < int64(inner) && !seenInner[c]:
				seenInner[c] = true
			case c < 0 && ^c < int64(leaves) && !seenLeaf[^c]:
				seenLeaf[^c] = true
			default:
				return t, fmt.Errorf("node %d has child %d (of %d inner nodes and %d leaves, or one already placed)", i, c, inner, leaves)
			}
		}
		f := a.feature[i]
		if f < 0 || f >= int64(len(cv.kinds)) {
			return t, fmt.Errorf("node %d splits on feature %d of %d", i, f, len(cv.kinds))
		}
		var dt int64
		if a.decision != nil {
			dt = a.decision[i]
		}
		miss := (dt >> 2) & 3
		if dt < 0 || dt > 15 || miss == 3 {
			return t, fmt.Errorf("node %d has decision_type %d", i, dt)
		}
		next := int32(len(queue))
		queue = append(queue, a.left[i], a.right[i])
		t.Feature = append(t.Feature, int32(f))
		t.Left = append(t.Left, next)
		t.Right = append(t.Right, next+1)
		t.Value = append(t.Value, 0)
		t.Cover = append(t.Cover, at(a.innerCover, i))
		if dt&catMask != 0 {
			if !cv.kinds[f].cat {
				return t, fmt.Errorf("node %d: a category split on feature %d, whose feature_infos is numeric", i, f)
			}
			words, top, err := a.catSet(a.threshold[i])
			if err != nil {
				return t, fmt.Errorf("node %d: %w", i, err)
			}
			cv.maxCode[f] = max(cv.maxCode[f], top)
			// LightGBM sends NaN, negative codes and codes outside the set
			// right whatever the default direction says: no NA flag.
			t.Threshold = append(t.Threshold, 0)
			t.Flags = append(t.Flags, scoring.FlagCat)
			t.CatStart[len(t.CatStart)-1] = int32(len(t.Cats))
			t.CatWords[len(t.CatWords)-1] = int32(len(words))
			t.Cats = append(t.Cats, words...)
			continue
		}
		if cv.kinds[f].cat {
			return t, fmt.Errorf("node %d: a numeric split on categorical feature %d", i, f)
		}
		th := a.threshold[i]
		if math.IsNaN(th) {
			return t, fmt.Errorf("node %d has threshold NaN", i)
		}
		th = zeroSnap(th)
		var fl uint8
		switch miss {
		case missingNone: // NaN is scored as 0.0
			if 0 <= th {
				fl = scoring.FlagNALeft
			}
		case missingZero: // 0 (and NaN, which becomes 0) take the default side
			fl = scoring.FlagZeroNA
			if dt&defaultLeftMask != 0 {
				fl |= scoring.FlagNALeft
			}
		case missingNaN:
			if dt&defaultLeftMask != 0 {
				fl = scoring.FlagNALeft
			}
		}
		t.Threshold = append(t.Threshold, th)
		t.Flags = append(t.Flags, fl)
	}
	if len(queue) != 2*leaves-1 {
		return t, fmt.Errorf("%d of %d nodes are not reachable from the root", 2*leaves-1-len(queue), 2*leaves-1)
	}
	return t, nil
}

func at(v []float64, i int64) float64 {
	if v == nil {
		return 0
	}
	return v[i]
}

// zeroSnap moves a threshold in [-zeroThreshold, zeroThreshold) to where it
// gives LightGBM's answer for tiny values too: LightGBM's predictor reads a
// value of at most zeroThreshold in magnitude as 0, so such values go left
// exactly when 0 <= t, and scoring compares them as they are.
func zeroSnap(t float64) float64 {
	switch {
	case t >= -zeroThreshold && t < 0:
		return math.Nextafter(-zeroThreshold, math.Inf(-1))
	case t >= 0 && t < zeroThreshold:
		return zeroThreshold
	}
	return t
}

// catSet reads the bitset of a categorical split (threshold is its index
// into cat_boundaries) as 64-bit words, and the largest code in it (-1 for
// an empty set).
func (a *arrays) catSet(threshold float64) ([]uint64, int, error) {
	nc := len(a.catBounds) - 1
	if !(threshold >= 0 && threshold < float64(nc)) || threshold != math.Trunc(threshold) {
		return nil, 0, fmt.Errorf("category set %v of %d", threshold, max(nc, 0))
	}
	k := int(threshold)
	bits := a.catBits[a.catBounds[k]:a.catBounds[k+1]]
	if len(bits) > maxLevels/32 {
		return nil, 0, fmt.Errorf("a category set of %d words: %w (codes below %d are)", len(bits), ErrUnsupported, maxLevels)
	}
	words := make([]uint64, (len(bits)+1)/2)
	top := -1
	for j, b := range bits {
		words[j/2] |= uint64(b) << (32 * uint(j%2))
		for bit := 31; bit >= 0; bit-- {
			if b>>uint(bit)&1 != 0 {
				top = max(top, 32*j+bit)
				break
			}
		}
	}
	return words, top, nil
}
