package scoring

import "math"

// Tree is one regression tree in flat arrays, nodes breadth-first with the
// root at 0. For an inner node i: Feature[i] >= 0; a numeric split sends x
// left when x <= Threshold[i]; a categorical split (Flags&FlagCat) sends a
// level left when its bit is set in Cats[CatStart[i]:...]; a missing value
// (or a level outside the set's range for a categorical split marked
// FlagNALeft) goes left when Flags&FlagNALeft. A leaf has Feature -1 and its
// Value (the learning rate applied). Cover is the training hessian sum that
// reached each node (for contributions).
type Tree struct {
	Feature   []int32   `json:"feature"`
	Threshold []float64 `json:"threshold"`
	Flags     []uint8   `json:"flags"`
	CatStart  []int32   `json:"cat_start"`
	CatWords  []int32   `json:"cat_words"`
	Cats      []uint64  `json:"cats"`
	Left      []int32   `json:"left"`
	Right     []int32   `json:"right"`
	Value     []float64 `json:"value"`
	Cover     []float64 `json:"cover"`
}

// Node flags.
const (
	FlagNALeft uint8 = 1 << iota
	FlagCat
	FlagNAOnly // every non-missing value goes left, a missing one right
	// FlagZeroNA makes a numeric value with |x| <= ZeroNA count as missing
	// (LightGBM's "zero as missing" splits, kept for imported models).
	FlagZeroNA
)

// ZeroNA is the magnitude at or below which a FlagZeroNA split takes a value
// for missing (LightGBM's kZeroThreshold).
const ZeroNA = 1e-35

// Leaf returns the leaf index row lands in.
func (t *Tree) Leaf(row []float64) int {
	i := 0
	for t.Feature[i] >= 0 {
		if t.goesLeft(i, row[t.Feature[i]]) {
			i = int(t.Left[i])
		} else {
			i = int(t.Right[i])
		}
	}
	return i
}

func (t *Tree) goesLeft(i int, v float64) bool {
	fl := t.Flags[i]
	if math.IsNaN(v) || (fl&FlagZeroNA != 0 && math.Abs(v) <= ZeroNA) {
		return fl&FlagNALeft != 0
	}
	if fl&FlagCat == 0 {
		if fl&FlagNAOnly != 0 {
			return true
		}
		return v <= t.Threshold[i]
	}
	if v < 0 {
		return fl&FlagNALeft != 0
	}
	if v >= float64(64*int(t.CatWords[i])) {
		return false // a level above every level the split saw goes right (also +Inf, before int() could overflow)
	}
	c := int(v)
	w := c >> 6
	return t.Cats[int(t.CatStart[i])+w]>>(uint(c)&63)&1 != 0
}

// Nodes is the number of nodes.
func (t *Tree) Nodes() int { return len(t.Feature) }

// GBM is a gradient boosted tree model: margin_k = InitF[k] + the sum of
// class k's trees; tree t belongs to class t % Classes().
type GBM struct {
	Schema       Schema    `json:"schema"`
	Distribution string    `json:"distribution"` // gaussian|bernoulli|multinomial|poisson
	InitF        []float64 `json:"init_f"`
	Trees        []Tree    `json:"trees"`
}

// Algo is "gbm".
func (m *GBM) Algo() string { return "gbm" }

// ModelSchema returns the inputs and response.
func (m *GBM) ModelSchema() *Schema { return &m.Schema }

// Outputs: the prediction for regression, class probabilities otherwise.
func (m *GBM) Outputs() []string { return outputsFor(&m.Schema) }

// Classes is the number of trees per iteration (1, or K for multinomial).
func (m *GBM) Classes() int { return len(m.InitF) }

// Margins writes each class's raw margin into out[:Classes()], using the
// first ntrees trees (all when ntrees < 0): InitF, then each tree's leaf
// value (Tree.Leaf) in tree order, then the offset. The trees are walked
// through the model's compiled plan, built on the first call (as
// PredictBatch builds it) and shared by later calls and goroutines; the
// sums are those of the definition to the bit.
func (m *GBM) Margins(row, out []float64, ntrees int) {
	k := m.Classes()
	copy(out[:k], m.InitF)
	if ntrees < 0 || ntrees > len(m.Trees) {
		ntrees = len(m.Trees)
	}
	if ntrees == 0 {
		// nothing to walk: no plan to build
	} else if p := m.plan(); len(row) >= p.rowLen {
		p.addLeaves(row, out[:k], ntrees) // Tree.Leaf's sums to the bit, faster (single.go)
	} else {
		// A short row: the plan would read every slot's value; walk the
		// trees themselves, which read only what their paths touch.
		for t := 0; t < ntrees; t++ {
			tr := &m.Trees[t]
			out[t%k] += tr.Value[tr.Leaf(row)]
		}
	}
	if m.Schema.Offset != "" {
		if o := row[len(m.Schema.Features)]; !math.IsNaN(o) {
			for c := 0; c < k; c++ {
				out[c] += o
			}
		}
	}
}

// Predict writes the prediction or class probabilities.
func (m *GBM) Predict(row, out []float64) {
	var buf [16]float64
	k := m.Classes()
	mg := buf[:k:k]
	if k > len(buf) {
		mg = make([]float64, k)
	}
	m.Margins(row, mg, -1)
	Transform(m.Distribution, mg, out)
}

// Transform turns margins into the model's outputs for a distribution.
func Transform(distribution string, margins, out []float64) {
	switch distribution {
	case "bernoulli":
		p := Sigmoid(margins[0])
		out[0], out[1] = 1-p, p
	case "multinomial":
		Softmax(margins, out[:len(margins)])
	case "poisson", "gamma", "tweedie":
		out[0] = math.Exp(margins[0])
	default:
		out[0] = margins[0]
	}
}
