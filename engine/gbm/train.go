package gbm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"time"

	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/metrics"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/scoring"
)

// Result is what training learned beside the model.
type Result struct {
	Gains    []float64 // total split gain per feature
	History  []History
	Trees    int // iterations kept
	Stopped  bool
	Notes    []string
	Resolved Params
	Timings  Timings
	// TrainScored and ValidScored are the frames' rows as the model scores
	// them, gathered from the nodes (nil when early stopping dropped trees,
	// or for fold models).
	TrainScored, ValidScored *learn.Scored
}

// Timings split the training time by phase (for the job log and tuning).
type Timings struct{ Setup, Level, Split, Finish, Valid time.Duration }

func (t Timings) String() string {
	return fmt.Sprintf("setup %v, level passes %v, split search %v, finish passes %v, validation %v",
		t.Setup.Round(time.Millisecond), t.Level.Round(time.Millisecond), t.Split.Round(time.Millisecond), t.Finish.Round(time.Millisecond), t.Valid.Round(time.Millisecond))
}

// History is the loss after one iteration.
type History struct {
	Iteration    int
	Train, Valid float64
	Metric       string
}

// Train grows the model on s.Train (rows of folds left out weigh 0), with
// early stopping on s.Valid when given. run names the job state used.
func Train(ctx context.Context, d mr.Driver, s *learn.Setup, p Params, folds learn.Folds, run string, label string) (*scoring.GBM, *Result, error) {
	if err := p.settle(s.Kind); err != nil {
		return nil, nil, err
	}
	defer dropTask.RunIn(context.WithoutCancel(ctx), d, mr.Input{Frame: s.Train, Job: d.Job()}, dropArgs{Run: run})
	k := 1
	if p.Distribution == "multinomial" {
		k = len(s.Schema.Classes)
	}
	if p.Distribution == "poisson" {
		if st := s.Stats[s.Cols[s.Req.Target]]; st.Min < 0 {
			return nil, nil, learn.Bad("", "poisson needs a target without negative values; %q has %g", s.Req.Target, st.Min)
		}
	}
	su := setup{Run: run, Bind: *s.Bind, Folds: folds, K: k, Dist: p.Distribution}
	in := mr.Input{Frame: s.Train, Job: d.Job()}
	isCat := make([]bool, len(s.Schema.Features))
	for j, f := range s.Schema.Features {
		isCat[j] = f.Type == scoring.Categorical
	}
	started := time.Now()
	d.Progress(0, label+"binning")
	sk, err := sketchTask.RunIn(ctx, d, in, sketchArgs{S: su, IsCat: isCat})
	if err != nil {
		return nil, nil, err
	}
	if !(sk.Sum.W > 0) {
		return nil, nil, learn.Bad("", "no rows with a response and a positive weight to train on")
	}
	initF := initialMargins(p.Distribution, sk.Sum, k)
	feats := make([]feat, len(isCat))
	for j, f := range s.Schema.Features {
		if isCat[j] {
			feats[j] = feat{Cat: true, Bins: len(f.Domain)}
			continue
		}
		e := sk.Sk[j].Edges(p.NBins)
		feats[j] = feat{Edges: e, Bins: len(e) + 1}
	}
	mx, err := binTask.RunIn(ctx, d, in, binArgs{S: su, Feats: feats, InitF: initF})
	if err != nil {
		return nil, nil, err
	}
	model := &scoring.GBM{Schema: s.Schema, Distribution: p.Distribution, InitF: initF}
	res := &Result{Gains: make([]float64, len(feats)), Resolved: p}
	var vin mr.Input
	gather := p.StoppingMetric == "auc"
	if s.Valid != nil && !folds.Active() {
		vin = mr.Input{Frame: s.Valid, Job: d.Job()}
		if _, err := validTask.RunIn(ctx, d, vin, validArgs{Run: run, Init: true, Bind: *s.VBind, InitF: initF, Dist: p.Distribution}); err != nil {
			return nil, nil, err
		}
	}
	res.Timings.Setup = time.Since(started)
	g := &grower{d: d, in: in, p: p, feats: feats, run: run, k: k, res: res, hasValid: vin.Frame != nil, lastTrain: math.NaN()}
	var best float64
	bestIter, since := 0, 0
	for it := 0; it < p.NTrees; it++ {
		if err := context.Cause(ctx); err != nil && ctx.Err() != nil {
			return nil, nil, err
		}
		sc := scales{G: scaleFor(mx.G), H: scaleFor(mx.H), W: scaleFor(mx.W)}
		var iterTrees []scoring.Tree
		var loss []chunkLoss
		for c := 0; c < k; c++ {
			tr, out, err := g.tree(ctx, it, c, sc)
			if err != nil {
				return nil, nil, err
			}
			iterTrees = append(iterTrees, tr)
			if c == k-1 {
				mx, loss = out.Max, out.Loss
			}
		}
		model.Trees = append(model.Trees, iterTrees...)
		h := History{Iteration: it + 1, Metric: p.StoppingMetric, Train: math.NaN(), Valid: math.NaN()}
		if g.scoreTrain(it) {
			h.Train = historyValue(p.StoppingMetric, reduceLoss(loss), nil)
		}
		if vin.Frame != nil {
			t0 := time.Now()
			vo, err := validTask.RunIn(ctx, d, vin, validArgs{Run: run, Trees: iterTrees, Dist: p.Distribution, InitF: initF, Gather: gather})
			if err != nil {
				return nil, nil, err
			}
			h.Valid = historyValue(p.StoppingMetric, vo.L, &vo)
			res.Timings.Valid += time.Since(t0)
		}
		res.History = append(res.History, h)
		watch := h.Valid
		if math.IsNaN(watch) {
			watch = h.Train
		}
		msg := fmt.Sprintf("%stree %d/%d", label, it+1, p.NTrees)
		if !math.IsNaN(h.Train) {
			g.lastTrain = h.Train
		}
		if !math.IsNaN(g.lastTrain) {
			msg += fmt.Sprintf(" train %s %.5g", h.Metric, g.lastTrain)
		}
		if !math.IsNaN(h.Valid) {
			msg += fmt.Sprintf(" valid %.5g", h.Valid)
		}
		d.Progress(float64(it+1)/float64(p.NTrees), msg)
		if p.StoppingRounds > 0 && !math.IsNaN(watch) {
			better := it == 0 || improves(p.StoppingMetric, watch, best, p.StoppingTolerance)
			if better {
				best, bestIter, since = watch, it+1, 0
			} else if since++; since >= p.StoppingRounds {
				res.Stopped = true
				model.Trees = model.Trees[:bestIter*k]
				res.History = res.History[:bestIter]
				res.Notes = append(res.Notes, fmt.Sprintf("early stopping: %s did not improve by %g for %d trees; kept the best %d trees", p.StoppingMetric, p.StoppingTolerance, p.StoppingRounds, bestIter))
				break
			}
		}
	}
	res.Trees = len(model.Trees) / k
	if !res.Stopped && !folds.Active() {
		if res.TrainScored, res.ValidScored, err = g.scored(ctx, &vin); err != nil {
			return nil, nil, err
		}
	}
	if os.Getenv("MLCTL_GBM_TRACE") != "" {
		res.Notes = append(res.Notes, "timings: "+res.Timings.String())
	}
	return model, res, nil
}

// improves reports whether v beats best by the relative tolerance.
func improves(metric string, v, best, tol float64) bool {
	if metric == "auc" {
		return v > best+tol*math.Abs(best)
	}
	return v < best-tol*math.Abs(best)
}

func reduceLoss(ls []chunkLoss) lossSums {
	sort.Slice(ls, func(i, j int) bool { return ls[i].Index < ls[j].Index })
	vals := make([]lossSums, len(ls))
	for i, l := range ls {
		vals[i] = l.L
	}
	return mr.TreeReduce(vals, func(a, b lossSums) lossSums { return a.add(b) })
}

func historyValue(metric string, l lossSums, vo *validOut) float64 {
	if !(l.W > 0) {
		return math.NaN()
	}
	switch metric {
	case "logloss":
		return l.Loss / l.W
	case "deviance":
		return l.Dev / l.W
	case "rmse":
		return math.Sqrt(l.SE / l.W)
	case "mse":
		return l.SE / l.W
	case "error":
		return l.Err / l.W
	case "auc":
		if vo == nil {
			return math.NaN()
		}
		b, err := metrics.ComputeBinomial(vo.Y, vo.P, vo.W, nil)
		if err != nil {
			return math.NaN()
		}
		return b.AUC
	}
	return math.NaN()
}

func initialMargins(dist string, s sums, k int) []float64 {
	mean := s.WY / s.W
	switch dist {
	case "bernoulli":
		p := math.Min(math.Max(mean, 1e-10), 1-1e-10)
		return []float64{math.Log(p / (1 - p))}
	case "poisson":
		return []float64{math.Log(math.Max(mean, 1e-10))}
	case "multinomial":
		out := make([]float64, k)
		for c := range out {
			out[c] = math.Log(math.Max(s.ClassW[c]/s.W, 1e-10))
		}
		return out
	}
	return []float64{mean}
}

// grower grows one tree at a time.
type grower struct {
	hasValid  bool
	lastTrain float64
	d         mr.Driver
	in        mr.Input
	p         Params
	feats     []feat
	run       string
	k         int
	res       *Result
}

type tnode struct {
	st    stat
	hist  []int64
	sp    *split
	left  int32
	right int32
	value float64
}

// features picks the tree's columns (all, or a seeded sample).
func (g *grower) features(tree int) []int {
	all := make([]int, len(g.feats))
	for i := range all {
		all[i] = i
	}
	if g.p.ColSampleRate >= 1 {
		return all
	}
	rng := rand.New(rand.NewPCG(uint64(g.p.Seed), uint64(tree)+0x636f6c))
	var use []int
	for _, f := range all {
		if rng.Float64() < g.p.ColSampleRate {
			use = append(use, f)
		}
	}
	if len(use) == 0 {
		use = []int{all[rng.IntN(len(all))]}
	}
	return use
}

// tree grows class c's tree of iteration it, depth by depth.
func (g *grower) tree(ctx context.Context, it, c int, sc scales) (scoring.Tree, finishOut, error) {
	treeNo := it*g.k + c
	lay := newLayout(g.feats, g.features(treeNo))
	spl := &splitter{feats: g.feats, lay: &lay, sc: sc, l2: g.p.L2, minC: int64(math.Ceil(g.p.MinRows * sc.W)), catSmth: 10}
	if spl.minC < 1 {
		spl.minC = 1
	}
	q := &quant{Scales: sc, SampleRate: g.p.SampleRate, Seed: g.p.Seed, Tree: treeNo}
	t0 := time.Now()
	out, err := levelTask.RunIn(ctx, g.d, g.in, levelArgs{Run: g.run, Class: c, Quant: q, Build: []int32{0}, Lay: lay})
	g.res.Timings.Level += time.Since(t0)
	if err != nil {
		return scoring.Tree{}, finishOut{}, err
	}
	nodes := []*tnode{{hist: out.Hists[0]}}
	nodes[0].st = totals(out.Hists[0], &lay)
	frontier := []int32{0}
	var pending []nodeSplit
	for depth := 0; depth < g.p.MaxDepth && len(frontier) > 0; depth++ {
		t0 := time.Now()
		found := make([]split, len(frontier))
		ok := make([]bool, len(frontier))
		mr.ForEach(ctx, len(frontier), func(i int) error {
			n := nodes[frontier[i]]
			if n.st.C >= 2*spl.minC {
				found[i], ok[i] = spl.best(n.hist, n.st)
			}
			return nil
		})
		var splits []nodeSplit
		var next []int32
		var build []int32
		for i, id := range frontier {
			n := nodes[id]
			if !ok[i] {
				n.hist = nil
				continue
			}
			sp := found[i]
			n.sp = &sp
			n.left, n.right = int32(len(nodes)), int32(len(nodes)+1)
			nodes = append(nodes, &tnode{st: sp.L}, &tnode{st: sp.R})
			g.res.Gains[sp.Feature] += sp.Gain
			splits = append(splits, nodeSplit{Node: id, Left: n.left, Right: n.right, Feature: sp.Feature, NA: g.feats[sp.Feature].Bins,
				Cat: sp.Cat, Bin: sp.Bin, Set: sp.Set, NALeft: sp.NALeft})
			next = append(next, n.left, n.right)
			small := n.left
			if sp.R.C < sp.L.C {
				small = n.right
			}
			build = append(build, small)
		}
		g.res.Timings.Split += time.Since(t0)
		if len(splits) == 0 {
			break
		}
		if depth+1 >= g.p.MaxDepth {
			pending = splits
			for _, id := range frontier {
				nodes[id].hist = nil
			}
			break
		}
		t0 = time.Now()
		out, err := levelTask.RunIn(ctx, g.d, g.in, levelArgs{Run: g.run, Class: c, Splits: splits, Build: build, Lay: lay})
		if err != nil {
			return scoring.Tree{}, finishOut{}, err
		}
		g.res.Timings.Level += time.Since(t0)
		for i, sp := range splits {
			parent := nodes[sp.Node]
			small, large := build[i], sp.Left
			if small == sp.Left {
				large = sp.Right
			}
			nodes[small].hist = out.Hists[i]
			ph := parent.hist
			for j, v := range out.Hists[i] {
				ph[j] -= v // exact: integer sums
			}
			nodes[large].hist = ph
			parent.hist = nil
		}
		frontier = next
	}
	var leaves []leafValue
	for id, n := range nodes {
		n.value = g.leafValue(n.st, sc)
		if n.sp == nil {
			leaves = append(leaves, leafValue{Node: int32(id), V: n.value})
		}
		n.hist = nil
	}
	t0 = time.Now()
	defer func() { g.res.Timings.Finish += time.Since(t0) }()
	fo, err := finishTask.RunIn(ctx, g.d, g.in, finishArgs{Run: g.run, Class: c, Splits: pending, Leaves: leaves, Last: c == g.k-1, Loss: g.scoreTrain(it), Dist: g.p.Distribution})
	if err != nil {
		return scoring.Tree{}, finishOut{}, err
	}
	return g.flatten(nodes, sc), fo, nil
}

// scoreTrain reports whether iteration it's training loss is computed: on
// every 25th of the trees and the last (its log per row is a fifth of a
// tree's time), or always when early stopping watches the training data.
func (g *grower) scoreTrain(it int) bool {
	every := max(1, g.p.NTrees/25)
	return it%every == 0 || it == g.p.NTrees-1 || (g.p.StoppingRounds > 0 && !g.hasValid)
}

// leafValue is the Newton step -G/(H+l2), scaled for multinomial by
// (K-1)/K, bounded, times the learning rate.
func (g *grower) leafValue(st stat, sc scales) float64 {
	G := float64(st.G) / sc.G
	H := float64(st.H) / sc.H
	if !(H+g.p.L2 > 0) {
		return 0
	}
	v := -G / (H + g.p.L2)
	switch g.p.Distribution {
	case "multinomial":
		v *= float64(g.k-1) / float64(g.k)
		v = math.Max(-19, math.Min(19, v))
	case "bernoulli":
		v = math.Max(-19, math.Min(19, v))
	case "poisson":
		v = math.Max(-0.7/g.p.LearnRate, math.Min(0.7/g.p.LearnRate, v))
	}
	return v * g.p.LearnRate
}

// flatten turns the grown nodes (breadth-first already) into a scoring tree.
func (g *grower) flatten(nodes []*tnode, sc scales) scoring.Tree {
	n := len(nodes)
	t := scoring.Tree{
		Feature: make([]int32, n), Threshold: make([]float64, n), Flags: make([]uint8, n),
		CatStart: make([]int32, n), CatWords: make([]int32, n),
		Left: make([]int32, n), Right: make([]int32, n), Value: make([]float64, n), Cover: make([]float64, n),
	}
	for i, nd := range nodes {
		t.Value[i] = nd.value
		t.Cover[i] = float64(nd.st.H) / sc.H
		if nd.sp == nil {
			t.Feature[i], t.Left[i], t.Right[i] = -1, -1, -1
			continue
		}
		sp := nd.sp
		t.Feature[i] = int32(sp.Feature)
		t.Left[i], t.Right[i] = nd.left, nd.right
		if sp.NALeft {
			t.Flags[i] |= scoring.FlagNALeft
		}
		if sp.Cat {
			t.Flags[i] |= scoring.FlagCat
			t.CatStart[i] = int32(len(t.Cats))
			t.CatWords[i] = int32(len(sp.Set))
			t.Cats = append(t.Cats, sp.Set...)
			continue
		}
		if e := g.feats[sp.Feature].Edges; sp.Bin < len(e) {
			t.Threshold[i] = e[sp.Bin]
		} else {
			t.Flags[i] |= scoring.FlagNAOnly // bins <= the last: every value
		}
	}
	return t
}
