package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"
)

// columns turns rows into the column layout PredictBatch takes.
func columns(rows [][]float64, width int) [][]float64 {
	cols := make([][]float64, width)
	for j := range cols {
		cols[j] = make([]float64, len(rows))
		for r, row := range rows {
			cols[j][r] = row[j]
		}
	}
	return cols
}

func outColumns(nout, n int) [][]float64 {
	out := make([][]float64, nout)
	for j := range out {
		out[j] = make([]float64, n)
	}
	return out
}

type predictor interface {
	Model
	Batcher
}

// checkBitIdentical scores rows with Predict one by one and with
// PredictBatch and PredictParallel all at once, and wants the bits of the
// model's plain definition (refPredictor) from each: the fast paths are
// checked against the definition, not against each other.
func checkBitIdentical(t *testing.T, m predictor, rows [][]float64, what string) {
	t.Helper()
	nout := len(m.Outputs())
	cols := columns(rows, m.ModelSchema().RowLen())
	want, one := make([][]float64, len(rows)), make([]float64, nout)
	ref := refPredictor(m)
	for r, row := range rows {
		want[r] = make([]float64, nout)
		ref(row, want[r])
	}
	for _, run := range []struct {
		name  string
		score func(cols, out [][]float64)
	}{
		{"Predict", func(_, out [][]float64) {
			for r, row := range rows {
				m.Predict(row, one)
				for j := range one {
					out[j][r] = one[j]
				}
			}
		}},
		{"PredictBatch", m.PredictBatch},
		{"PredictParallel", func(cols, out [][]float64) { PredictParallel(m, cols, out, 3) }},
	} {
		out := outColumns(nout, len(rows))
		run.score(cols, out)
		for r, row := range rows {
			for j, w := range want[r] {
				if math.Float64bits(out[j][r]) != math.Float64bits(w) {
					t.Fatalf("%s %s: row %d %v output %d = %v (%#x), definition %v (%#x)", what, run.name, r, row, j,
						out[j][r], math.Float64bits(out[j][r]), w, math.Float64bits(w))
				}
			}
		}
	}
}

func TestGBMPredictBatchBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for it := 0; it < 40; it++ {
		k := []int{1, 1, 3, 1}[it%4]
		nf := 1 + rng.IntN(25)
		cats := it%2 == 1
		m := genModel(rng, nf, k, (1+rng.IntN(30))*k, 1+rng.IntN(8), cats, it%3 == 0, it%5 < 2)
		if it%7 == 0 {
			m.Distribution = "poisson"
		}
		if it%6 == 0 { // a one-leaf tree among the others
			one := Tree{Feature: []int32{-1}, Threshold: []float64{0}, Flags: []uint8{0}, CatStart: []int32{0}, CatWords: []int32{0},
				Left: []int32{-1}, Right: []int32{-1}, Value: []float64{rng.NormFloat64()}, Cover: []float64{1}}
			m.Trees = append(m.Trees[:k:k], append([]Tree{one}, m.Trees[k:]...)...)
		}
		n := []int{1, 3, 17, 255, 256, 257, 1000, 9000}[it%8]
		rows := make([][]float64, n)
		for r := range rows {
			rows[r] = genRow(rng, &m.Schema)
		}
		checkBitIdentical(t, m, rows, fmt.Sprintf("model %d (%d features, %d classes, %d rows)", it, nf, k, n))
	}
}

// Every combination of a numeric split's flags and a threshold near the
// zero band routes every interesting value as Tree.Leaf does, and the fast
// form is used exactly where this file says it can be.
func TestNumericSplitFolding(t *testing.T) {
	z := ZeroNA
	thresholds := []float64{math.Inf(-1), -1, math.Nextafter(-z, -1), -z, math.Nextafter(-z, 0), -1e-300, math.Copysign(0, -1), 0,
		1e-300, math.Nextafter(z, 0), z, math.Nextafter(z, 1), 1, math.MaxFloat64, math.Inf(1), math.NaN()}
	values := append([]float64{math.NaN(), 2e-35, -2e-35, 1e-36, -1e-36, 5e-324, -5e-324, 2, -2, -math.MaxFloat64}, thresholds...)
	for _, fl := range []uint8{0, FlagNALeft, FlagZeroNA, FlagZeroNA | FlagNALeft, FlagNAOnly, FlagNAOnly | FlagNALeft, FlagNAOnly | FlagZeroNA} {
		for _, thr := range thresholds {
			tr := Tree{Feature: []int32{0, -1, -1}, Threshold: []float64{thr, 0, 0}, Flags: []uint8{fl, 0, 0},
				CatStart: make([]int32, 3), CatWords: make([]int32, 3), Left: []int32{1, -1, -1}, Right: []int32{2, -1, -1}, Value: []float64{0, -1, 1}}
			m := &GBM{Schema: Schema{Features: []Feature{{Name: "x", Type: Numeric}}}, Distribution: "gaussian", InitF: []float64{0}, Trees: []Tree{tr}}
			rows := make([][]float64, len(values))
			for i, v := range values {
				rows[i] = []float64{v}
			}
			what := fmt.Sprintf("flags %04b threshold %v", fl, thr)
			checkBitIdentical(t, m, rows, what)
			_, _, fast := numericSplit(fl, thr)
			if got := m.batchPlan().trees[0].nodes != nil; got != fast {
				t.Errorf("%s: compiled fast %v, numericSplit says %v", what, got, fast)
			}
		}
	}
	// The common splits must all take the fast form.
	for _, c := range []struct {
		fl  uint8
		thr float64
	}{{0, 1}, {FlagNALeft, -3}, {0, math.Inf(-1)}, {FlagZeroNA | FlagNALeft, 0.5}, {FlagZeroNA, -0.5}, {FlagZeroNA, 0}} {
		if _, _, ok := numericSplit(c.fl, c.thr); !ok {
			t.Errorf("flags %04b threshold %v: not fast", c.fl, c.thr)
		}
	}
}

// A categorical split routes every awkward code as Tree.Leaf does, on the
// compiled (mixed) path, for sets of zero to two words under a larger
// domain, each missing direction, and a numeric split beside it.
func TestCategoricalSplitRouting(t *testing.T) {
	values := []float64{math.NaN(), math.Inf(-1), -1e300, -1, -0.5, math.Copysign(0, -1), 0, 0.5, 1, 5, 63, 63.99, 64, 64.5, 100,
		127, 128, 129, 191, 192, 1e6, 1 << 53, 1e19, 1e300, math.MaxFloat64, math.Inf(1), 5e-324}
	for _, words := range []int{0, 1, 2} {
		for _, fl := range []uint8{FlagCat, FlagCat | FlagNALeft} {
			cats := []uint64{0xfeed_0000_0000_0001, 0x8000_0000_0000_0021, 0x1}[:words]
			// Node 0 splits x0 (numeric), node 1 the set over x1, node 2 a
			// set too; leaves 3..6.
			tr := Tree{Feature: []int32{0, 1, 1, -1, -1, -1, -1}, Threshold: []float64{0.25, 0, 0, 0, 0, 0, 0},
				Flags:    []uint8{FlagNALeft, fl, fl ^ FlagNALeft, 0, 0, 0, 0},
				CatStart: []int32{0, 1, 0, 0, 0, 0, 0}, CatWords: []int32{0, int32(words), int32(max(words-1, 0)), 0, 0, 0, 0},
				Cats: append([]uint64{0xaaaa_aaaa_aaaa_aaaa}, cats...), Left: []int32{1, 3, 5, -1, -1, -1, -1}, Right: []int32{2, 4, 6, -1, -1, -1, -1},
				Value: []float64{0, 1, 2, 3, 4, 5, 6}}
			m := &GBM{Schema: Schema{Features: []Feature{{Name: "x", Type: Numeric}, {Name: "c", Type: Categorical, Domain: make([]string, 200)}}},
				Distribution: "gaussian", InitF: []float64{0}, Trees: []Tree{tr, tr}}
			var rows [][]float64
			for _, x := range []float64{-1, 1, math.NaN()} {
				for _, v := range values {
					rows = append(rows, []float64{x, v})
				}
			}
			what := fmt.Sprintf("%d words, flags %04b", words, fl)
			checkBitIdentical(t, m, rows, what)
			checkSingle(t, m, rows, what)
			if pt := m.batchPlan().trees[0]; pt.nodes == nil || !pt.mixed() {
				t.Errorf("%s: tree not compiled as a mixed tree", what)
			}
		}
	}
}

// The layout invariants the walks' unchecked loads rest on, on random
// plans: every node's two children inside the node array, a leaf value
// per node, every input offset within maxOff and a block inside the
// scratch (the batch), every offset>>shift a slot of the gathered row
// (one row), and groups that cover the trees in order, compiled groups
// taking at least each tree's depth in steps.
func TestPlanInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	fast, mixed, catNodes := 0, 0, 0
	for it := 0; it < 30; it++ {
		m := genModel(rng, 1+rng.IntN(300), 1+2*(it%4/3), 20, 1+rng.IntN(10), it%2 == 0, it%5 == 0, it%3 == 0)
		p := m.batchPlan()
		if 1<<p.shift != p.block {
			t.Fatalf("model %d: block %d, shift %d", it, p.block, p.shift)
		}
		next := 0
		for gi, g := range p.groups {
			if g.start != next || g.n < 1 || g.n > groupSize || (!g.fast && g.n != 1) {
				t.Fatalf("model %d group %d: %+v after tree %d", it, gi, g, next)
			}
			for ti := g.start; ti < g.start+g.n; ti++ {
				if pt := p.trees[ti]; (pt.nodes != nil && !pt.mixed()) != g.fast || (g.fast && pt.depth > g.depth) {
					t.Fatalf("model %d group %d %+v: tree %d compiled %v depth %d", it, gi, g, ti, pt.nodes != nil, pt.depth)
				}
			}
			next += g.n
		}
		if next != len(p.trees) {
			t.Fatalf("model %d: groups cover %d of %d trees", it, next, len(p.trees))
		}
		for ti, pt := range p.trees {
			if pt.nodes == nil {
				continue
			}
			fast++
			if len(pt.leaf) != len(pt.nodes) {
				t.Fatalf("model %d tree %d: %d leaf values for %d nodes", it, ti, len(pt.leaf), len(pt.nodes))
			}
			if pt.mixed() {
				mixed++
				if len(pt.cat) != len(pt.nodes) {
					t.Fatalf("model %d tree %d: %d categorical entries for %d nodes", it, ti, len(pt.cat), len(pt.nodes))
				}
			}
			for i, n := range pt.nodes {
				off := int(n.offset())
				if n.first < 0 || int(n.first)+1 >= len(pt.nodes) || off > pt.maxOff || pt.maxOff+p.block > max(len(p.slots), 1)*p.block {
					t.Fatalf("model %d tree %d node %d: %+v (%d nodes, maxOff %d, %d slots of %d)", it, ti, i, n, len(pt.nodes), pt.maxOff, len(p.slots), p.block)
				}
				if s := off >> p.shift; s<<p.shift != off || s >= max(len(p.slots), 1) || off > p.maxOff {
					t.Fatalf("model %d tree %d node %d: offset %d is no slot of %d (shift %d, plan maxOff %d)", it, ti, i, off, len(p.slots), p.shift, p.maxOff)
				}
				if n.off >= 0 {
					continue
				}
				// A categorical node: a set of whole words inside bits, read
				// from an un-negated slot (a negated one would swap the
				// sides of the v < 0 test).
				catNodes++
				words := int(n.thr) / 64
				if !pt.mixed() || n.thr < 0 || float64(words*64) != n.thr || int(pt.cat[i].start)+words > len(pt.bits) || pt.cat[i].naRight&^1 != 0 {
					t.Fatalf("model %d tree %d node %d: categorical %+v %+v outside %d words of bits", it, ti, i, n, pt.cat[i], len(pt.bits))
				}
				if p.slots[off>>p.shift].neg {
					t.Fatalf("model %d tree %d node %d: categorical split reads a negated slot", it, ti, i)
				}
			}
		}
	}
	if fast < 100 || mixed < 50 || catNodes < 200 {
		t.Errorf("only %d of 600 random trees took the fast form, %d of them mixed (%d categorical nodes)", fast, mixed, catNodes)
	}
	t.Logf("%d of 600 random trees took the fast form, %d of them mixed (%d categorical nodes)", fast, mixed, catNodes)
}

func TestGLMPredictBatchBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	families := []string{"gaussian", "binomial", "multinomial", "poisson", "gamma", "tweedie"}
	for it := 0; it < 36; it++ {
		fam := families[it%len(families)]
		base := fam
		if fam == "gamma" || fam == "tweedie" {
			base = "gaussian"
		}
		m := genGLM(rng, 1+rng.IntN(15), base, it%2 == 0, it%3 == 0)
		switch fam {
		case "gamma":
			m.Family, m.Link = "gamma", "inverse"
		case "tweedie":
			m.Family, m.Link, m.LinkPower = "tweedie", "tweedie", []float64{0, 0.5}[it%2]
		}
		n := []int{1, 255, 256, 700, 9000}[it%5]
		rows := make([][]float64, n)
		for r := range rows {
			rows[r] = genRow(rng, &m.Schema) // infinities included: Inf and NaN must agree too
		}
		checkBitIdentical(t, m, rows, fmt.Sprintf("glm %d %s/%s", it, m.Family, m.Link))
	}
}

func TestPredictBatchAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	g := genModel(rng, 10, 3, 30, 6, true, true, false)
	l := genGLM(rng, 10, "multinomial", true, true)
	for _, m := range []predictor{g, l} {
		for _, n := range []int{10, 20_000} {
			rows := make([][]float64, n)
			for r := range rows {
				rows[r] = genRow(rng, m.ModelSchema())
			}
			cols, out := columns(rows, m.ModelSchema().RowLen()), outColumns(len(m.Outputs()), n)
			m.PredictBatch(cols, out) // the GBM's plan is built once
			allocs := testing.AllocsPerRun(5, func() { m.PredictBatch(cols, out) })
			if allocs > 2 {
				t.Errorf("%s, %d rows: %v allocations per call, want at most 2", m.Algo(), n, allocs)
			}
			par := testing.AllocsPerRun(5, func() { PredictParallel(m, cols, out, 2) })
			if par > 20 {
				t.Errorf("%s, %d rows: %v allocations per parallel call, want at most 20", m.Algo(), n, par)
			}
		}
	}
}

// A plan follows the model it was built from: a model given more trees, or
// a copy given other trees, is scored with its own trees.
func TestGBMPlanFollowsModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	m := genModel(rng, 5, 1, 10, 4, false, false, false)
	rows := make([][]float64, 300)
	for r := range rows {
		rows[r] = genRow(rng, &m.Schema)
	}
	checkBitIdentical(t, m, rows, "first")
	m.Trees = append(m.Trees, genModel(rng, 5, 1, 5, 4, false, false, false).Trees...)
	checkBitIdentical(t, m, rows, "with more trees")
	c := *m
	c.Trees = c.Trees[:3]
	checkBitIdentical(t, &c, rows, "a copy with fewer trees")
	checkBitIdentical(t, m, rows, "the original again")
	c.InitF = []float64{5}
	checkBitIdentical(t, &c, rows, "a copy with another InitF")
}

// A model in a package-level variable (not on the heap) and one inside
// another struct (an interior pointer) get plans like any other.
var globalGBM = GBM{Schema: Schema{Features: []Feature{{Name: "a", Type: Numeric}}}, Distribution: "gaussian", InitF: []float64{1},
	Trees: []Tree{{Feature: []int32{0, -1, -1}, Threshold: []float64{0, 0, 0}, Flags: []uint8{FlagNALeft, 0, 0}, CatStart: make([]int32, 3),
		CatWords: make([]int32, 3), Left: []int32{1, -1, -1}, Right: []int32{2, -1, -1}, Value: []float64{0, 2, 3}}}}

func TestGBMPredictBatchGlobalAndEmbedded(t *testing.T) {
	rows := [][]float64{{-1}, {1}, {math.NaN()}, {0}}
	checkBitIdentical(t, &globalGBM, rows, "package-level model")
	w := &struct {
		name string
		m    GBM
	}{"w", globalGBM}
	w.m.InitF = []float64{-1}
	checkBitIdentical(t, &w.m, rows, "embedded model")
	out := outColumns(1, 4)
	w.m.PredictBatch(columns(rows, 1), out)
	if want := []float64{1, 2, 1, 1}; !slices.Equal(out[0], want) {
		t.Errorf("embedded model: %v, want %v", out[0], want)
	}
}

// Plans of models that are gone are dropped from the cache, and planCache
// (which holds plans weakly) keeps none of them alive.
func TestGBMPlanCacheDropsCollectedModels(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	var models []weak.Pointer[GBM]
	var plans []weak.Pointer[gbmPlan]
	func() {
		for i := 0; i < 50; i++ {
			m := genModel(rng, 3, 1, 2, 3, false, false, false)
			m.PredictBatch(columns([][]float64{{1, 2, 3}}, 3), outColumns(len(m.Outputs()), 1))
			m.Predict([]float64{1, 2, 3}, make([]float64, len(m.Outputs())))
			models, plans = append(models, weak.Make(m)), append(plans, m.plan().ref.p)
			if _, ok := gbmPlans.Load(models[i]); !ok {
				t.Fatalf("model %d: no plan in gbmPlans", i)
			}
		}
	}()
	left := func() (n int) {
		for i := range models {
			if _, ok := gbmPlans.Load(models[i]); ok || plans[i].Value() != nil {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(10 * time.Second)
	for left() > 0 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := left(); n > 0 {
		t.Errorf("%d of 50 collected models still have a plan cached or alive", n)
	}
}

// Many goroutines share one model's first PredictBatch (the plan is built
// under their feet) and later ones; run with -race.
func TestGBMPredictBatchConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	m := genModel(rng, 8, 3, 30, 5, true, false, true)
	rows := make([][]float64, 2000)
	for r := range rows {
		rows[r] = genRow(rng, &m.Schema)
	}
	cols := columns(rows, m.Schema.RowLen())
	want := outColumns(3, len(rows))
	for r, row := range rows {
		o := make([]float64, 3)
		refPredict(m, row, o)
		for j := range o {
			want[j][r] = o[j]
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i := 0; i < 5; i++ {
				out := outColumns(3, len(rows))
				m.PredictBatch(cols, out)
				for j := range out {
					for r := range out[j] {
						if math.Float64bits(out[j][r]) != math.Float64bits(want[j][r]) {
							errs <- fmt.Sprintf("row %d output %d: %v, want %v", r, j, out[j][r], want[j][r])
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

func TestPredictBatchShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	m := genModel(rng, 3, 1, 2, 3, false, false, false)
	m.Distribution, m.Schema.Classes = "bernoulli", []string{"0", "1"}
	cases := []struct {
		name      string
		cols, out [][]float64
		msg       string
	}{
		{"too few inputs", outColumns(2, 5), outColumns(2, 5), "2 input columns, the model takes 3"},
		{"too few outputs", outColumns(3, 5), outColumns(1, 5), "1 output columns, the model writes 2"},
		{"ragged inputs", [][]float64{make([]float64, 5), make([]float64, 4), make([]float64, 5)}, outColumns(2, 5), "input column 1 has 4 values, input column 0 5"},
		{"short outputs", outColumns(3, 5), outColumns(2, 4), "output column 0 has 4 values, input column 0 5"},
	}
	for _, tc := range cases {
		for _, run := range []struct {
			name string
			f    func()
		}{
			{"batch", func() { m.PredictBatch(tc.cols, tc.out) }},
			{"parallel", func() { PredictParallel(m, tc.cols, tc.out, 2) }},
		} {
			msg := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				run.f()
				return ""
			}()
			if !strings.Contains(msg, tc.msg) {
				t.Errorf("%s, %s: panic %q, want %q", tc.name, run.name, msg, tc.msg)
			}
		}
	}
	// A shape error inside a worker reaches the caller of PredictParallel.
	big := outColumns(2, 20000)
	msg := func() (msg string) {
		defer func() { msg = fmt.Sprint(recover()) }()
		PredictParallel(m, big, outColumns(2, 20000), 2)
		return ""
	}()
	if !strings.Contains(msg, "2 input columns, the model takes 3") {
		t.Errorf("worker panic: %q", msg)
	}
	// No rows is fine.
	m.PredictBatch(outColumns(3, 0), outColumns(2, 0))
}
