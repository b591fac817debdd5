package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// refMargins is the definition of a GBM's margins, kept plain: InitF, then
// each tree's leaf (Tree.Leaf) in tree order, then the offset. Margins,
// Predict and PredictBatch must all agree with it to the bit.
func refMargins(m *GBM, row, out []float64, ntrees int) {
	k := len(m.InitF)
	copy(out[:k], m.InitF)
	if ntrees < 0 || ntrees > len(m.Trees) {
		ntrees = len(m.Trees)
	}
	for t := 0; t < ntrees; t++ {
		tr := &m.Trees[t]
		out[t%k] += tr.Value[tr.Leaf(row)]
	}
	if m.Schema.Offset != "" {
		if o := row[len(m.Schema.Features)]; !math.IsNaN(o) {
			for c := 0; c < k; c++ {
				out[c] += o
			}
		}
	}
}

// refPredict is Predict by the definition: refMargins through Transform.
func refPredict(m *GBM, row, out []float64) {
	mg := make([]float64, len(m.InitF))
	refMargins(m, row, mg, -1)
	Transform(m.Distribution, mg, out)
}

// refPredictor scores a model's rows by its plain definition: refPredict
// for a GBM, Predict itself for a GLM (whose Predict is the plain form).
func refPredictor(m Model) func(row, out []float64) {
	if g, ok := m.(*GBM); ok {
		return func(row, out []float64) { refPredict(g, row, out) }
	}
	return m.Predict
}

// compilable clears the missing-vs-not flag of m's numeric splits, which
// genTree draws for a tenth of them, so that most trees without
// categorical splits take the compiled form.
func compilable(m *GBM) *GBM {
	for t := range m.Trees {
		tr := &m.Trees[t]
		for i, fl := range tr.Flags {
			if fl&FlagCat == 0 {
				tr.Flags[i] = fl &^ FlagNAOnly
			}
		}
	}
	return m
}

func sameBits(a, b []float64) bool {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// checkSingle scores each row with Predict and Margins (all trees and a
// few prefixes, some ending inside a group of trees walked together) and
// wants refPredict's and refMargins's bits.
func checkSingle(t *testing.T, m *GBM, rows [][]float64, what string) {
	t.Helper()
	k, nout := len(m.InitF), len(m.Outputs())
	got, want := make([]float64, max(nout, k)), make([]float64, max(nout, k))
	for r, row := range rows {
		m.Predict(row, got[:nout])
		refPredict(m, row, want[:nout])
		if !sameBits(got[:nout], want[:nout]) {
			t.Fatalf("%s: row %d %v: Predict %v, definition %v", what, r, row, got[:nout], want[:nout])
		}
		for _, n := range []int{-1, 0, 1, groupSize - 1, groupSize + 1, len(m.Trees) / 2, len(m.Trees) - 1, len(m.Trees) + 5} {
			m.Margins(row, got[:k], n)
			refMargins(m, row, want[:k], n)
			if !sameBits(got[:k], want[:k]) {
				t.Fatalf("%s: row %d %v, %d trees: Margins %v, definition %v", what, r, row, n, got[:k], want[:k])
			}
		}
	}
}

// Random models of every kind the generator makes (categorical, NA-only,
// zero-as-missing splits; offsets; 1 to 16 classes; shallow to deep
// trees) on rows with NaN, infinities, values about the zero band and
// categorical codes outside every set.
func TestGBMPredictMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	all, fast, grouped := 0, 0, 0
	for it := 0; it < 60; it++ {
		k := []int{1, 1, 3, 1, 16}[it%5]
		nf := 1 + rng.IntN(40)
		m := genModel(rng, nf, k, (1+rng.IntN(25))*k, 1+rng.IntN(9), it%2 == 1, it%3 == 0, it%4 < 2)
		if it%4 != 3 {
			compilable(m)
		}
		if it%7 == 0 {
			m.Distribution = "poisson"
		}
		rows := make([][]float64, 200)
		for r := range rows {
			rows[r] = genRow(rng, &m.Schema)
			for j, f := range m.Schema.Features {
				if f.Type == Categorical && rng.IntN(10) == 0 {
					rows[r][j] = []float64{math.Inf(1), math.Inf(-1), 1e300, -0.5, 63.5, 64, float64(64 * (1 + rng.IntN(3)))}[rng.IntN(7)]
				}
			}
		}
		checkSingle(t, m, rows, fmt.Sprintf("model %d (%d features, %d classes, %d trees)", it, nf, k, len(m.Trees)))
		for _, g := range m.plan().groups {
			if g.fast {
				fast += g.n
				if g.n == groupSize {
					grouped += g.n
				}
			}
		}
		all += len(m.Trees)
	}
	if fast < all/3 || grouped < all/6 {
		t.Errorf("of %d random trees only %d compiled and %d in full groups", all, fast, grouped)
	}
	t.Logf("of %d random trees %d compiled, %d in full groups", all, fast, grouped)
}

// Every tree form in one model, in an order that makes groups of every
// size: the hand-built tree (categorical and NA-only splits, slow),
// one-leaf trees, and compiled trees of different depths.
func TestGBMPredictMixedTrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	slow := testTree()
	leaf := Tree{Feature: []int32{-1}, Threshold: []float64{0}, Flags: []uint8{0}, CatStart: []int32{0}, CatWords: []int32{0},
		Left: []int32{-1}, Right: []int32{-1}, Value: []float64{0.25}}
	fast := compilable(genModel(rng, 3, 1, 40, 7, false, false, false)).Trees
	feats := []Feature{{Name: "a", Type: Numeric}, {Name: "b", Type: Categorical, Domain: []string{"p", "q", "r", "s"}}, {Name: "c", Type: Numeric}}
	var trees []Tree
	for i, f := 0, 0; i < 60; i++ {
		switch rng.IntN(6) {
		case 0:
			trees = append(trees, slow)
		case 1:
			trees = append(trees, leaf)
		default:
			trees = append(trees, fast[f%len(fast)])
			f++
		}
	}
	m := &GBM{Schema: Schema{Features: feats, Classes: []string{"0", "1"}}, Distribution: "bernoulli", InitF: []float64{0.5}, Trees: trees}
	nan, inf := math.NaN(), math.Inf(1)
	rows := [][]float64{{1, 0, 5}, {2.5, 0, nan}, {nan, 0, 1}, {9, 3, 0}, {9, 2, 0}, {9, nan, 0}, {9, 200, 0}, {9, -1, 0},
		{9, inf, 0}, {9, -inf, 0}, {9, 1e300, 0}, {inf, 1, 0}, {-inf, 64, -inf}, {0, 63, math.Copysign(0, -1)}}
	for i := 0; i < 200; i++ {
		rows = append(rows, genRow(rng, &m.Schema))
	}
	checkSingle(t, m, rows, "mixed trees")
	sizes := map[int]bool{}
	for _, g := range m.plan().groups {
		sizes[g.n] = sizes[g.n] || g.fast
	}
	for n := 1; n <= groupSize; n++ {
		if !sizes[n] {
			t.Errorf("no compiled group of %d trees: the test model wants another order", n)
		}
	}
}

// A row shorter than the model's is scored as the trees walk it: a model
// whose trees read only the first feature scores a one-value row, as
// Tree.Leaf does, though the plan would read other slots.
func TestGBMPredictShortRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	m := genModel(rng, 1, 1, 10, 4, false, false, false)
	m.Schema.Features = append(m.Schema.Features, Feature{Name: "unused", Type: Numeric})
	// A compiled tree with a split on feature 1 that no row reaches: the
	// root sends every x0 (x0 <= +Inf, NaN left) to a leaf.
	gate := Tree{Feature: []int32{0, -1, 1, -1, -1}, Threshold: []float64{math.Inf(1), 0, 0, 0, 0}, Flags: []uint8{FlagNALeft, 0, FlagNALeft, 0, 0},
		CatStart: make([]int32, 5), CatWords: make([]int32, 5), Left: []int32{1, -1, 3, -1, -1}, Right: []int32{2, -1, 4, -1, -1}, Value: []float64{0, 1, 0, 2, 3}}
	m.Trees = append(m.Trees, gate)
	for _, x := range []float64{-1, 0, 3, math.NaN(), math.Inf(-1)} {
		row := []float64{x}
		got, want := make([]float64, len(m.Outputs())), make([]float64, len(m.Outputs()))
		m.Predict(row, got)
		refPredict(m, row, want)
		if !sameBits(got, want) {
			t.Errorf("short row %v: %v, definition %v", row, got, want)
		}
	}
	if p := m.plan(); p.rowLen != 2 || p.trees[len(p.trees)-1].nodes == nil {
		t.Fatalf("the gate tree should be compiled and the plan read 2 values (rowLen %d)", p.rowLen)
	}
}

// Predict and Margins allocate nothing once the plan is built: a binary,
// a regression and a 16-class model, narrow (slot values on the stack) and
// wide (a scratch from the plan's pool).
func TestGBMPredictAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 38))
	for _, c := range []struct {
		name string
		k    int
		dist string
		nf   int
	}{{"binary", 1, "bernoulli", 10}, {"regression", 1, "gaussian", 10}, {"16 classes", 16, "multinomial", 10},
		{"wide binary", 1, "bernoulli", 1000}, {"wide 16 classes", 16, "multinomial", 1000}} {
		m := compilable(genModel(rng, c.nf, c.k, 40*c.k, 6, c.nf < 100, true, true)) // some slow trees when narrow
		m.Distribution = c.dist
		switch c.dist {
		case "bernoulli":
			m.Schema.Classes = []string{"0", "1"}
		case "gaussian":
			m.Schema.Classes = nil
		}
		wide := len(m.plan().slots) > singleSlots
		if wide != (c.nf > 100) {
			t.Fatalf("%s: %d slots, want the %v path", c.name, len(m.plan().slots), c.nf > 100)
		}
		row, out, mg := genRow(rng, &m.Schema), make([]float64, len(m.Outputs())), make([]float64, c.k)
		if a := testing.AllocsPerRun(200, func() { m.Predict(row, out) }); a != 0 {
			t.Errorf("%s: Predict makes %v allocations per call", c.name, a)
		}
		if a := testing.AllocsPerRun(200, func() { m.Margins(row, mg, -1) }); a != 0 {
			t.Errorf("%s: Margins makes %v allocations per call", c.name, a)
		}
	}
}

// Goroutines score with models whose plans are built under their feet,
// more models than planCache has entries, so that entries are replaced
// while others read them; run with -race.
func TestGBMPredictConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(39, 40))
	models := make([]*GBM, 100)
	rows := make([][][]float64, len(models))
	want := make([][][]float64, len(models))
	for i := range models {
		m := genModel(rng, 6, 1+2*(i%2), 9, 5, i%3 == 0, i%4 == 0, i%5 == 0)
		models[i] = m
		for r := 0; r < 20; r++ {
			row := genRow(rng, &m.Schema)
			o := make([]float64, len(m.Outputs()))
			refPredict(m, row, o)
			rows[i], want[i] = append(rows[i], row), append(want[i], o)
		}
	}
	c := *models[0] // a copy of a model shares its plan through the cache
	models = append(models, &c)
	rows, want = append(rows, rows[0]), append(want, want[0])
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			out := make([]float64, 3)
			for pass := 0; pass < 3; pass++ {
				for j := range models {
					i := (j*7 + g*13) % len(models)
					m := models[i]
					for r, row := range rows[i] {
						o := out[:len(want[i][r])]
						m.Predict(row, o)
						if !sameBits(o, want[i][r]) {
							errs <- fmt.Sprintf("model %d row %d: %v, definition %v", i, r, o, want[i][r])
							return
						}
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// planCache finds a plan only for a model with the plan's key, and then
// the same plan gbmPlans gives (or one built from the same trees).
func TestGBMPlanCacheKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	m := genModel(rng, 4, 1, 10, 4, false, false, false)
	p := m.plan()
	if q := m.plan(); q != p {
		t.Fatal("a second lookup built another plan")
	}
	c := *m
	if c.plan().src != keyOf(m) {
		t.Error("a copy's plan has another key")
	}
	c.Schema.Classes = []string{"0", "1"} // nout changes: not the same plan
	if q := c.plan(); q == p || q.nout != 2 {
		t.Errorf("a copy with classes got the plan for 1 output (nout %d)", q.nout)
	}
	c.Schema.Classes = nil
	c.Trees = c.Trees[:5]
	if q := c.plan(); q == p || len(q.trees) != 5 {
		t.Errorf("a copy with 5 trees got a plan of %d", len(q.trees))
	}
}
