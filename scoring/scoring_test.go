package scoring

import (
	"math"
	"testing"
)

// A hand-built tree: root splits numeric x0 at 2.5 (NA left); its right
// child splits categorical x1 with levels {1, 3} left (NA right); the left
// child is a "missing vs. not" split on x2.
func testTree() Tree {
	return Tree{
		Feature:   []int32{0, 2, 1, -1, -1, -1, -1},
		Threshold: []float64{2.5, 0, 0, 0, 0, 0, 0},
		Flags:     []uint8{FlagNALeft, FlagNAOnly, FlagCat, 0, 0, 0, 0},
		CatStart:  []int32{0, 0, 0, 0, 0, 0, 0},
		CatWords:  []int32{0, 0, 1, 0, 0, 0, 0},
		Cats:      []uint64{1<<1 | 1<<3},
		Left:      []int32{1, 3, 5, -1, -1, -1, -1},
		Right:     []int32{2, 4, 6, -1, -1, -1, -1},
		Value:     []float64{0, 0, 0, 10, 20, 30, 40},
		Cover:     []float64{4, 2, 2, 1, 1, 1, 1},
	}
}

func TestTreeRouting(t *testing.T) {
	tr := testTree()
	nan := math.NaN()
	cases := []struct {
		row  []float64
		leaf int
	}{
		{[]float64{1, 0, 5}, 3},           // x0 <= 2.5, x2 present: left
		{[]float64{2.5, 0, nan}, 4},       // threshold inclusive; x2 missing: right
		{[]float64{nan, 0, 1}, 3},         // NA x0 goes left
		{[]float64{9, 3, 0}, 5},           // level 3 is in the set
		{[]float64{9, 2, 0}, 6},           // level 2 is not
		{[]float64{9, nan, 0}, 6},         // NA level: right (no NA-left flag)
		{[]float64{9, 200, 0}, 6},         // a level past the set's words: right
		{[]float64{9, -1, 0}, 6},          // a negative code is NA
		{[]float64{9, math.Inf(1), 0}, 6}, // codes too large for an int go right, no panic
		{[]float64{9, 1e300, 0}, 6},
		{[]float64{math.Inf(1), 1, 0}, 5},
	}
	for _, tc := range cases {
		if got := tr.Leaf(tc.row); got != tc.leaf {
			t.Errorf("row %v: leaf %d, want %d", tc.row, got, tc.leaf)
		}
	}
}

func TestGBMPredictSumsTreesByClass(t *testing.T) {
	tr := testTree()
	m := &GBM{Schema: Schema{Features: []Feature{{Name: "a", Type: Numeric}, {Name: "b", Type: Categorical, Domain: []string{"p", "q", "r", "s"}}, {Name: "c", Type: Numeric}}, Classes: []string{"x", "y", "z"}},
		Distribution: "multinomial", InitF: []float64{0.1, 0.2, 0.3}, Trees: []Tree{tr, tr, tr, tr, tr, tr}}
	row := []float64{1, 0, 5} // leaf value 10 in every tree
	mg := make([]float64, 3)
	m.Margins(row, mg, -1)
	for k, want := range []float64{20.1, 20.2, 20.3} {
		if math.Abs(mg[k]-want) > 1e-12 {
			t.Errorf("margin %d = %v, want %v", k, mg[k], want)
		}
	}
	m.Margins(row, mg, 4) // the first iteration and the first class of the next
	if math.Abs(mg[0]-20.1) > 1e-12 || math.Abs(mg[1]-10.2) > 1e-12 || math.Abs(mg[2]-10.3) > 1e-12 {
		t.Errorf("first 3 trees: %v", mg)
	}
	p := make([]float64, 3)
	m.Predict(row, p)
	if s := p[0] + p[1] + p[2]; math.Abs(s-1) > 1e-15 || !(p[2] > p[1] && p[1] > p[0]) {
		t.Errorf("probabilities %v", p)
	}
	b := &GBM{Distribution: "bernoulli", InitF: []float64{-20}, Trees: []Tree{tr}, Schema: Schema{Features: m.Schema.Features, Classes: []string{"0", "1"}}}
	out := make([]float64, 2)
	b.Predict(row, out) // margin -10
	if want := Sigmoid(-10); math.Abs(out[1]-want) > 1e-18 || math.Abs(out[0]+out[1]-1) > 1e-15 {
		t.Errorf("bernoulli %v, want p1 %v", out, want)
	}
}

func TestGLMPredict(t *testing.T) {
	s := Schema{Features: []Feature{{Name: "x", Type: Numeric}, {Name: "c", Type: Categorical, Domain: []string{"a", "b", "c"}}}, Offset: "off"}
	// slots: x, c.b, c.c, intercept
	m := &GLM{Schema: s, Family: "poisson", Link: "log", Intercept: true, Start: []int{0, 1}, Beta: [][]float64{{0.5, 1, -1, 0.25}}, Impute: []float64{2, 1}}
	out := make([]float64, 1)
	cases := []struct {
		row []float64
		eta float64
	}{
		{[]float64{1, 0, 0}, 0.75},          // reference level a
		{[]float64{1, 1, 0}, 1.75},          // level b
		{[]float64{1, 2, 0.5}, 0.25},        // level c, offset
		{[]float64{math.NaN(), 0, 0}, 1.25}, // x imputed with 2
		{[]float64{0, math.NaN(), 0}, 1.25}, // the level imputed with b
		{[]float64{0, 7, math.NaN()}, 1.25}, // an unseen level is imputed; a missing offset is 0
	}
	for _, tc := range cases {
		m.Predict(tc.row, out)
		if want := math.Exp(tc.eta); math.Abs(out[0]-want) > 1e-12*want {
			t.Errorf("row %v: %v, want exp(%v)", tc.row, out[0], tc.eta)
		}
	}
	mn := &GLM{Schema: Schema{Features: s.Features[:1], Classes: []string{"u", "v"}}, Family: "multinomial", Link: "multinomial", Intercept: true,
		Start: []int{0}, Beta: [][]float64{{1, 0}, {-1, 0}}, Impute: []float64{0}}
	p := make([]float64, 2)
	mn.Predict([]float64{2}, p)
	if want := 1 / (1 + math.Exp(-4)); math.Abs(p[0]-want) > 1e-12 {
		t.Errorf("multinomial %v, want p0 %v", p, want)
	}
}

func TestLinksAndLevelMap(t *testing.T) {
	if v := Sigmoid(-800); v != 0 && !(v > 0) {
		t.Errorf("sigmoid(-800) = %v", v)
	}
	if v := Sigmoid(800); v != 1 {
		t.Errorf("sigmoid(800) = %v", v)
	}
	out := make([]float64, 2)
	Softmax([]float64{1000, 1000}, out)
	if out[0] != 0.5 || out[1] != 0.5 {
		t.Errorf("softmax of large equal margins: %v", out)
	}
	for _, tc := range []struct {
		link      string
		eta, p, w float64
	}{{"identity", 2, 0, 2}, {"log", 0, 0, 1}, {"inverse", 4, 0, 0.25}, {"tweedie", 0, 0, 1}, {"tweedie", 4, 0.5, 16}} {
		if got := LinkInverse(tc.link, tc.eta, tc.p); math.Abs(got-tc.w) > 1e-12 {
			t.Errorf("%s(%v, %v) = %v, want %v", tc.link, tc.eta, tc.p, got, tc.w)
		}
	}
	s := Schema{Features: []Feature{{Name: "c", Type: Categorical, Domain: []string{"a", "b"}}}}
	m := s.LevelMap(0, []string{"b", "z", "a"})
	if m[0] != 1 || m[1] != -1 || m[2] != 0 {
		t.Errorf("level map %v", m)
	}
	if s.Index("c") != 0 || s.Index("d") != -1 || s.RowLen() != 1 {
		t.Error("schema lookups")
	}
}
