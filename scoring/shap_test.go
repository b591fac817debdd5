package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// genTree draws random trees: numeric splits (NA left or right), missing-
// vs-not splits, categorical sets (some shorter than the domain, so high
// levels fall past them), optionally zero-as-missing splits, random leaf
// values and covers (some zero, and inner covers that need not add up).
type genTree struct {
	rng      *rand.Rand
	levels   []int // per feature: 0 numeric, else the number of levels
	maxDepth int
	zeroNA   bool    // draw FlagZeroNA splits too
	pLeaf    float64 // chance that a node above maxDepth is a leaf
}

type gnode struct {
	feat        int32
	thr         float64
	flags       uint8
	cats        []uint64
	left, right *gnode
	value       float64
	cover       float64
}

func (g *genTree) node(depth int) *gnode {
	r := g.rng
	if depth >= g.maxDepth || (depth > 0 && r.Float64() < g.pLeaf) {
		c := r.Float64() * 10
		if r.IntN(8) == 0 {
			c = 0
		}
		return &gnode{feat: -1, value: r.NormFloat64(), cover: c}
	}
	f := r.IntN(len(g.levels))
	n := &gnode{feat: int32(f)}
	if r.IntN(2) == 0 {
		n.flags |= FlagNALeft
	}
	if lv := g.levels[f]; lv > 0 {
		n.flags |= FlagCat
		words := (lv + 63) / 64
		if r.IntN(3) == 0 {
			words = r.IntN(words + 1) // a short set: levels past it go right
		}
		n.cats = make([]uint64, words)
		for w := range n.cats {
			n.cats[w] = r.Uint64()
		}
	} else {
		switch r.IntN(10) {
		case 0:
			n.flags |= FlagNAOnly
		case 1, 2:
			if g.zeroNA {
				n.flags |= FlagZeroNA
				n.thr = []float64{0, ZeroNA, -ZeroNA, 2 * ZeroNA, -2 * ZeroNA, math.Nextafter(-ZeroNA, -1)}[r.IntN(6)]
				break
			}
			fallthrough
		default:
			n.thr = math.Round(r.NormFloat64()*8) / 8 // ties with the data happen
		}
	}
	n.left, n.right = g.node(depth+1), g.node(depth+1)
	n.cover = n.left.cover + n.right.cover
	if r.IntN(6) == 0 {
		n.cover = r.Float64() * 10 // imported covers need not add up
	}
	return n
}

// tree lays a random tree out breadth-first.
func (g *genTree) tree() Tree {
	var t Tree
	q := []*gnode{g.node(0)}
	for i := 0; i < len(q); i++ {
		n := q[i]
		t.Feature = append(t.Feature, n.feat)
		t.Threshold = append(t.Threshold, n.thr)
		t.Flags = append(t.Flags, n.flags)
		t.CatStart = append(t.CatStart, int32(len(t.Cats)))
		t.CatWords = append(t.CatWords, int32(len(n.cats)))
		t.Cats = append(t.Cats, n.cats...)
		t.Value = append(t.Value, n.value)
		t.Cover = append(t.Cover, n.cover)
		if n.feat < 0 {
			t.Left, t.Right = append(t.Left, -1), append(t.Right, -1)
			continue
		}
		t.Left = append(t.Left, int32(len(q)))
		t.Right = append(t.Right, int32(len(q)+1))
		q = append(q, n.left, n.right)
	}
	return t
}

// genModel is a random GBM with nf features (every third categorical when
// cats), k margins, ntrees trees and an offset when offset.
func genModel(rng *rand.Rand, nf, k, ntrees, depth int, cats, offset, zeroNA bool) *GBM {
	g := &genTree{rng: rng, levels: make([]int, nf), maxDepth: depth, zeroNA: zeroNA, pLeaf: 0.2}
	var s Schema
	for j := 0; j < nf; j++ {
		f := Feature{Name: fmt.Sprintf("x%d", j), Type: Numeric}
		if cats && j%3 == 1 {
			g.levels[j] = 1 + rng.IntN(150)
			f.Type = Categorical
			for l := 0; l < g.levels[j]; l++ {
				f.Domain = append(f.Domain, fmt.Sprintf("l%d", l))
			}
		}
		s.Features = append(s.Features, f)
	}
	if offset {
		s.Offset = "off"
	}
	m := &GBM{Schema: s, Distribution: "gaussian"}
	switch k {
	case 1:
		if rng.IntN(2) == 0 {
			m.Distribution, m.Schema.Classes = "bernoulli", []string{"no", "yes"}
		}
	default:
		m.Distribution = "multinomial"
		for c := 0; c < k; c++ {
			m.Schema.Classes = append(m.Schema.Classes, fmt.Sprintf("c%d", c))
		}
	}
	for c := 0; c < k; c++ {
		m.InitF = append(m.InitF, rng.NormFloat64())
	}
	for t := 0; t < ntrees; t++ {
		m.Trees = append(m.Trees, g.tree())
	}
	return m
}

// genRow draws a row for m: normal values, missing ones, infinities, values
// at and near zero, categorical codes inside and outside the domain.
func genRow(rng *rand.Rand, m *Schema) []float64 {
	row := make([]float64, m.RowLen())
	for j := range row {
		if j < len(m.Features) && m.Features[j].Type == Categorical {
			lv := len(m.Features[j].Domain)
			switch rng.IntN(12) {
			case 0:
				row[j] = math.NaN()
			case 1:
				row[j] = float64(lv + rng.IntN(100)) // unseen, maybe past every set
			case 2:
				row[j] = -1
			case 3:
				// far past every set, past int's range, infinite, negative
				// and fractional codes
				row[j] = []float64{1e6, 1e300, math.Inf(1), math.Inf(-1), -0.5, math.Copysign(0, -1), float64(rng.IntN(lv)) + 0.5}[rng.IntN(7)]
			default:
				row[j] = float64(rng.IntN(lv))
			}
			continue
		}
		switch rng.IntN(14) {
		case 0, 1:
			row[j] = math.NaN()
		case 2:
			row[j] = math.Inf(1 - 2*rng.IntN(2))
		case 3:
			row[j] = []float64{0, math.Copysign(0, -1), ZeroNA, -ZeroNA, math.Nextafter(ZeroNA, 1), math.Nextafter(-ZeroNA, -1), 1e-36}[rng.IntN(7)]
		default:
			row[j] = math.Round(rng.NormFloat64()*16) / 16
		}
	}
	return row
}

// refShare is the cover rule written out again for the reference: children
// weighted by their covers (non-positive or missing = 0), even when both
// are zero.
func refShare(t *Tree, i int) (float64, float64) {
	c := func(n int32) float64 {
		if int(n) < len(t.Cover) && t.Cover[n] > 0 {
			return t.Cover[n]
		}
		return 0
	}
	l, r := c(t.Left[i]), c(t.Right[i])
	if l+r == 0 {
		return 0.5, 0.5
	}
	return l / (l + r), r / (l + r)
}

// condExpect is E[tree(x) | the features in known take row's values]: a
// known feature's split follows the row, any other averages its children.
func condExpect(t *Tree, i int, row []float64, known uint) float64 {
	f := t.Feature[i]
	if f < 0 {
		return t.Value[i]
	}
	if known&(1<<f) != 0 {
		if t.goesLeft(i, row[f]) {
			return condExpect(t, int(t.Left[i]), row, known)
		}
		return condExpect(t, int(t.Right[i]), row, known)
	}
	wl, wr := refShare(t, i)
	return wl*condExpect(t, int(t.Left[i]), row, known) + wr*condExpect(t, int(t.Right[i]), row, known)
}

// refContributions computes Shapley values from their definition, over
// every subset of the features (exponential; for a handful of features).
func refContributions(m *GBM, row []float64) []float64 {
	nf, k := len(m.Schema.Features), m.Classes()
	fact := func(n int) float64 {
		f := 1.0
		for i := 2; i <= n; i++ {
			f *= float64(i)
		}
		return f
	}
	out := make([]float64, k*(nf+1))
	for c := 0; c < k; c++ {
		out[c*(nf+1)+nf] = m.InitF[c]
	}
	for t := range m.Trees {
		tr, c := &m.Trees[t], t%k
		o := out[c*(nf+1):]
		v := make([]float64, 1<<nf)
		for s := range v {
			v[s] = condExpect(tr, 0, row, uint(s))
		}
		o[nf] += v[0]
		for i := 0; i < nf; i++ {
			for s := range v {
				if s&(1<<i) != 0 {
					continue
				}
				size := popcount(uint(s))
				w := fact(size) * fact(nf-size-1) / fact(nf)
				o[i] += w * (v[s|1<<i] - v[s])
			}
		}
	}
	if m.Schema.Offset != "" && !math.IsNaN(row[nf]) {
		for c := 0; c < k; c++ {
			out[c*(nf+1)+nf] += row[nf]
		}
	}
	return out
}

func popcount(x uint) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

func TestGBMContributionsMatchDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for it := 0; it < 60; it++ {
		nf := 1 + rng.IntN(6)
		k := []int{1, 1, 3}[it%3]
		m := genModel(rng, nf, k, 1+rng.IntN(4)*k, 1+rng.IntN(6), true, it%2 == 0, it%4 == 1)
		got := make([]float64, k*(nf+1))
		mg := make([]float64, k)
		for r := 0; r < 20; r++ {
			row := genRow(rng, &m.Schema)
			m.Contributions(row, got)
			want := refContributions(m, row)
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-9 || math.IsNaN(got[i]) {
					t.Fatalf("model %d row %v: contribution %d = %v, definition %v\ngot  %v\nwant %v", it, row, i, got[i], want[i], got, want)
				}
			}
			m.Margins(row, mg, -1)
			for c := 0; c < k; c++ {
				if s := sum(got[c*(nf+1) : (c+1)*(nf+1)]); math.Abs(s-mg[c]) > 1e-9 {
					t.Fatalf("model %d row %v class %d: contributions sum to %v, margin %v", it, row, c, s, mg[c])
				}
			}
		}
	}
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func TestGBMContributionsSumToMargin(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for it := 0; it < 20; it++ {
		k := []int{1, 4}[it%2]
		nf := 5 + rng.IntN(30)
		m := genModel(rng, nf, k, 30*k, 6, true, it%3 == 0, it%5 == 0)
		got := make([]float64, k*(nf+1))
		mg := make([]float64, k)
		for r := 0; r < 50; r++ {
			row := genRow(rng, &m.Schema)
			m.Contributions(row, got)
			m.Margins(row, mg, -1)
			for c := 0; c < k; c++ {
				s := sum(got[c*(nf+1) : (c+1)*(nf+1)])
				if math.Abs(s-mg[c]) > 1e-9 || math.IsNaN(s) {
					t.Fatalf("model %d class %d: contributions sum to %v, margin %v", it, c, s, mg[c])
				}
			}
		}
	}
}

// A stump by hand: x0 <= 1 goes left (value 3, cover 1), else right (value
// 7, cover 3). Expected value 6; a row going left gets 3 - 6 = -3.
func TestGBMContributionsStump(t *testing.T) {
	tr := Tree{Feature: []int32{0, -1, -1}, Threshold: []float64{1, 0, 0}, Flags: []uint8{0, 0, 0},
		CatStart: make([]int32, 3), CatWords: make([]int32, 3), Left: []int32{1, -1, -1}, Right: []int32{2, -1, -1},
		Value: []float64{0, 3, 7}, Cover: []float64{4, 1, 3}}
	m := &GBM{Schema: Schema{Features: []Feature{{Name: "a", Type: Numeric}, {Name: "b", Type: Numeric}}, Offset: "o"},
		Distribution: "gaussian", InitF: []float64{0.5}, Trees: []Tree{tr}}
	out := make([]float64, 3)
	cases := []struct {
		row  []float64
		want []float64
	}{
		{[]float64{0, 9, 2}, []float64{-3, 0, 8.5}},
		{[]float64{5, 9, math.NaN()}, []float64{1, 0, 6.5}},
		{[]float64{math.NaN(), 9, 0}, []float64{1, 0, 6.5}}, // NA goes right here
	}
	for _, tc := range cases {
		m.Contributions(tc.row, out)
		if !slices.Equal(out, tc.want) {
			t.Errorf("row %v: %v, want %v", tc.row, out, tc.want)
		}
	}
	// No covers at all: an even split, expected value 5.
	m.Trees[0].Cover = nil
	m.Contributions([]float64{0, 0, 0}, out)
	if !slices.Equal(out, []float64{-2, 0, 5.5}) {
		t.Errorf("without covers: %v", out)
	}
	if got := m.ContributionNames(); !slices.Equal(got, []string{"a", "b", "bias"}) {
		t.Errorf("names %v", got)
	}
}

func TestContributionNames(t *testing.T) {
	s := Schema{Features: []Feature{{Name: "bias"}, {Name: "x"}}, Classes: []string{"p", "q"}}
	m := &GBM{Schema: s, InitF: []float64{0, 0}}
	want := []string{"contrib_p_bias", "contrib_p_x", "contrib_p__bias", "contrib_q_bias", "contrib_q_x", "contrib_q__bias"}
	if got := m.ContributionNames(); !slices.Equal(got, want) {
		t.Errorf("multinomial names %v, want %v", got, want)
	}
	g := &GLM{Schema: Schema{Features: s.Features[1:], Classes: []string{"0", "1"}}, Family: "binomial", Beta: [][]float64{{1, 0}}}
	if got := g.ContributionNames(); !slices.Equal(got, []string{"x", "bias"}) {
		t.Errorf("binomial GLM names %v", got)
	}
}

func TestGLMContributions(t *testing.T) {
	s := Schema{Features: []Feature{{Name: "x", Type: Numeric}, {Name: "c", Type: Categorical, Domain: []string{"a", "b", "c"}}}, Offset: "off"}
	// slots: x, c.b, c.c, intercept
	m := &GLM{Schema: s, Family: "poisson", Link: "log", Intercept: true, Start: []int{0, 1}, Beta: [][]float64{{0.5, 1, -1, 0.25}}, Impute: []float64{2, 1}}
	out := make([]float64, 3)
	cases := []struct {
		row, want []float64
	}{
		{[]float64{1, 0, 0}, []float64{0.5, 0, 0.25}},                          // reference level
		{[]float64{-2, 2, 0.5}, []float64{-1, -1, 0.75}},                       // level c, offset in the bias
		{[]float64{math.NaN(), math.NaN(), math.NaN()}, []float64{1, 1, 0.25}}, // imputed x = 2, level b; no offset
		{[]float64{4, 9, 1}, []float64{2, 1, 1.25}},                            // an unseen level is imputed
	}
	for _, tc := range cases {
		m.Contributions(tc.row, out)
		if !slices.Equal(out, tc.want) {
			t.Errorf("row %v: %v, want %v", tc.row, out, tc.want)
		}
		if e := m.Eta(tc.row, 0); math.Abs(sum(out)-e) > 1e-12 {
			t.Errorf("row %v: contributions sum to %v, eta %v", tc.row, sum(out), e)
		}
	}
	// Multinomial without an intercept: every level has a slot.
	mn := &GLM{Schema: Schema{Features: s.Features, Classes: []string{"u", "v"}}, Family: "multinomial", Link: "multinomial",
		Start: []int{0, 1}, Beta: [][]float64{{1, 10, 20, 30}, {-1, -10, -20, -30}}, Impute: []float64{0, 2}}
	got := make([]float64, 6)
	mn.Contributions([]float64{3, 0}, got)
	if want := []float64{3, 10, 0, -3, -10, 0}; !slices.Equal(got, want) {
		t.Errorf("multinomial %v, want %v", got, want)
	}
	mn.Contributions([]float64{math.NaN(), -1}, got)
	if want := []float64{0, 30, 0, 0, -30, 0}; !slices.Equal(got, want) {
		t.Errorf("multinomial imputed %v, want %v", got, want)
	}
	if n := mn.ContributionNames(); len(n) != 6 || n[0] != "contrib_u_x" || n[5] != "contrib_v_bias" {
		t.Errorf("names %v", n)
	}
}

func TestGLMContributionsSumToEta(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for it := 0; it < 50; it++ {
		m := genGLM(rng, 1+rng.IntN(12), []string{"gaussian", "binomial", "multinomial", "poisson"}[it%4], it%2 == 0, it%3 == 0)
		k := m.etaClasses()
		nf := len(m.Schema.Features)
		out := make([]float64, k*(nf+1))
		for r := 0; r < 30; r++ {
			row := genRow(rng, &m.Schema)
			for j, v := range row {
				if math.IsInf(v, 0) {
					row[j] = 3 // coefficient × Inf would make NaN sums of ±Inf terms
				}
			}
			m.Contributions(row, out)
			for c := 0; c < k; c++ {
				s, e := sum(out[c*(nf+1):(c+1)*(nf+1)]), m.Eta(row, c)
				if math.Abs(s-e) > 1e-12*math.Max(1, math.Abs(e)) {
					t.Fatalf("model %d class %d row %v: sum %v, eta %v", it, c, row, s, e)
				}
			}
		}
	}
}

// genGLM is a random GLM of a family: every third feature categorical with
// up to 20 levels, random coefficients and imputation values.
func genGLM(rng *rand.Rand, nf int, family string, intercept, offset bool) *GLM {
	m := &GLM{Family: family, Intercept: intercept}
	m.Link = map[string]string{"gaussian": "identity", "binomial": "logit", "multinomial": "multinomial", "poisson": "log"}[family]
	slots := 0
	for j := 0; j < nf; j++ {
		f := Feature{Name: fmt.Sprintf("x%d", j), Type: Numeric}
		m.Start = append(m.Start, slots)
		if j%3 == 1 {
			f.Type = Categorical
			lv := 1 + rng.IntN(20)
			for l := 0; l < lv; l++ {
				f.Domain = append(f.Domain, fmt.Sprintf("l%d", l))
			}
			m.Impute = append(m.Impute, float64(rng.IntN(lv)))
			slots += lv
			if intercept {
				slots--
			}
		} else {
			m.Impute = append(m.Impute, rng.NormFloat64())
			slots++
		}
		m.Schema.Features = append(m.Schema.Features, f)
	}
	k := 1
	switch family {
	case "binomial":
		m.Schema.Classes = []string{"0", "1"}
	case "multinomial":
		k = 3
		m.Schema.Classes = []string{"a", "b", "c"}
	}
	if offset {
		m.Schema.Offset = "off"
	}
	for c := 0; c < k; c++ {
		b := make([]float64, slots+1)
		for i := range b {
			b[i] = rng.NormFloat64() * 0.3
		}
		m.Beta = append(m.Beta, b)
	}
	return m
}
