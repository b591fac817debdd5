package scoring

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
	"weak"
)

// A gbmPlan is a GBM laid out for PredictBatch (and, one row at a time,
// for Margins and Predict: see single.go).
//
// Rows are scored a block at a time. The block's inputs are copied into a
// column-major scratch: one column per (feature, sign) "slot" that some
// split reads, the negated copy serving splits that send missing values
// right. Each tree whose splits are all plain numeric ones becomes an array
// of 16-byte fastNodes in breadth-first order with a node's two children
// adjacent, so one step of the descent is
//
//	i = node.first + (x > node.thr)
//
// for every split, missing values included: x > thr is false for NaN, so
// NaN takes the first child. A split that sends NaN left keeps (left,
// right) and x. One that sends NaN right stores (right, left) and reads -x
// against -nextUp(thr): -x > -nextUp(thr) is x < nextUp(thr), which is
// x <= thr for every non-NaN x. A leaf points at itself with threshold +Inf
// so that a fixed number of steps, the tree's depth, lands every row on its
// leaf without a branch. Zero-as-missing splits fold into the same form
// when their zero band touches the threshold's side (see numericSplit).
//
// The walk goes one level at a time over all the block's rows (see walk):
// the rows' steps are independent, so the CPU overlaps them, where one
// row's descent is a chain of dependent loads.
//
// A tree with categorical splits is "mixed": a categorical node stores
// ^off (negative) in off, 64*CatWords in thr, its set in the tree's bits
// at cat[i].start, and its children unswapped (left first); its step is
// catStep, the bit test of Tree.goesLeft, reading the slot un-negated.
// Mixed trees take their own kernels (stepMixed, walkMixed), so that the
// numeric ones keep their branch-free steps.
//
// Any other tree (missing-vs-not splits, an island of zeros, a NaN
// threshold, flags this file does not know) is scored node by node with
// Tree.goesLeft, as Tree.Leaf does.
type gbmPlan struct {
	src    gbmKey
	block  int      // rows per block; fastNode.off is slot*block
	shift  uint     // log2(block): fastNode.off>>shift is the slot
	maxOff int      // the largest fastNode.off of all trees
	slots  []slot   // the block's columns
	nout   int      // len(Outputs())
	rowLen int      // Schema.RowLen()
	trees  []ptree  // in the model's order
	groups []tgroup // the trees as one row walks them (single.go)
	ref    *planRef // what planCache holds of this plan
	pool   sync.Pool
}

type fastNode struct {
	thr   float64 // categorical: 64*CatWords, the codes the set covers
	off   int32   // the input column's offset in the block scratch; ^offset at a categorical node
	first int32   // the first child; the second is first+1; a leaf is its own
}

// offset is the node's input column offset, whatever its kind.
func (n *fastNode) offset() int32 {
	if n.off < 0 {
		return ^n.off
	}
	return n.off
}

// A catSplit is the rest of a categorical node of a mixed tree.
type catSplit struct {
	start   uint32 // the set's first word in ptree.bits
	naRight int32  // 1 when NaN and negative codes go right
}

type slot struct {
	feat int
	neg  bool
}

// A ptree is one tree of a plan. Its nodes end with a sentinel, so that for
// every node both first and first+1 index nodes, and every node's offset()
// is at most maxOff; in a mixed tree cat is as long as nodes and each
// categorical node's set, thr/64 words from its start, lies inside bits.
// The walks' unchecked loads rely on all of these (compileGBM checks them).
type ptree struct {
	nodes  []fastNode // nil: score with src
	leaf   []float64  // value by compiled node
	cat    []catSplit // by compiled node; nil when every split is numeric
	bits   []uint64   // the categorical sets
	depth  int        // steps from the root to the deepest leaf
	maxOff int
	src    *Tree
}

// mixed reports whether the tree has categorical nodes.
func (pt *ptree) mixed() bool { return pt.cat != nil }

// gbmKey is what a plan was built from; a model whose fields no longer
// match (trees appended, a copy given other trees) gets a new plan. It
// covers everything compileGBM reads, so any model with an equal key
// (a copy of the GBM value, say) can be scored with the plan.
type gbmKey struct {
	trees  *Tree
	ntrees int
	initF  *float64
	k      int
	dist   string
	offset string
	nf     int
	nout   int
}

func keyOf(m *GBM) gbmKey {
	k := gbmKey{ntrees: len(m.Trees), k: len(m.InitF), dist: m.Distribution, offset: m.Schema.Offset, nf: len(m.Schema.Features),
		nout: max(len(m.Schema.Classes), 1)} // len(outputsFor(&m.Schema)), without its copy
	if len(m.Trees) > 0 {
		k.trees = &m.Trees[0]
	}
	if len(m.InitF) > 0 {
		k.initF = &m.InitF[0]
	}
	return k
}

// gbmPlans caches a plan per model. It is keyed by a weak pointer so that
// the cache does not keep models alive, and lives outside GBM so that GBM
// stays a plain value that can be decoded, copied and compared (a
// sync.Once or atomic field would make every copy a vet error); a cleanup
// drops a model's entry once the model is collected. Plans never point at
// the GBM itself, only at its trees, so the cleanup can run.
var gbmPlans sync.Map // weak.Pointer[GBM] -> *gbmPlan

// planCache remembers the plans last looked up, by their key's trees, so
// that finding a model's plan is an atomic load, a weak pointer's Value
// and a key comparison. gbmPlans alone costs weak.Make (which takes a lock
// of the model's memory span, one lock for every goroutine scoring with
// the model) and a map lookup, about 80 ns, on every call.
//
// An entry holds its plan weakly: the plan lives while gbmPlans holds it
// for some model, and a live plan holds the trees and InitF its key points
// at, so no other model's can be allocated at those addresses. A plan found
// here whose key equals the model's was therefore built from this model's
// very trees and settings.
var planCache [64]atomic.Pointer[planRef]

// A planRef is a plan's weak self, allocated once with the plan so that
// storing it in planCache allocates nothing.
type planRef struct{ p weak.Pointer[gbmPlan] }

func (k *gbmKey) cacheSlot() int {
	h := uint64(uintptr(unsafe.Pointer(k.trees))) ^ uint64(k.ntrees)<<32
	h *= 0x9e3779b97f4a7c15
	return int(h >> (64 - 6)) // len(planCache) is 1<<6
}

// plan returns m's plan (see batchPlan), from planCache when it is there.
func (m *GBM) plan() *gbmPlan {
	k := keyOf(m)
	e := &planCache[k.cacheSlot()]
	if r := e.Load(); r != nil {
		if p := r.p.Value(); p != nil && p.src == k {
			return p
		}
	}
	p := m.batchPlan()
	e.Store(p.ref)
	return p
}

// batchPlan returns m's plan from gbmPlans, building it on first use.
// Plans are immutable once stored, so concurrent callers share them freely.
func (m *GBM) batchPlan() *gbmPlan {
	key := weak.Make(m)
	k := keyOf(m)
	if v, ok := gbmPlans.Load(key); ok {
		if p := v.(*gbmPlan); p.src == k {
			return p
		}
		p := compileGBM(m, k)
		gbmPlans.Store(key, p) // the entry's cleanup is already set
		return p
	}
	p := compileGBM(m, k)
	if _, loaded := gbmPlans.LoadOrStore(key, p); !loaded {
		runtime.AddCleanup(m, func(key weak.Pointer[GBM]) { gbmPlans.Delete(key) }, key)
	}
	return p
}

// Rows per block: the scratch of a block (slots × block values) should stay
// well inside a 32 KiB L1 cache next to the tree being walked.
const (
	maxBlock     = 256
	maxShift     = 8 // log2(maxBlock)
	minBlock     = 16
	scratchBytes = 24 << 10
)

func compileGBM(m *GBM, key gbmKey) *gbmPlan {
	p := &gbmPlan{src: key, nout: key.nout, rowLen: m.Schema.RowLen()}
	p.ref = &planRef{p: weak.Make(p)}
	idx := map[slot]int{}
	ptrees := make([]ptree, len(m.Trees))
	rowLen := m.Schema.RowLen()
	for t := range m.Trees {
		tr := &m.Trees[t]
		if pt, ok := compileTree(tr, rowLen, idx, &p.slots); ok {
			ptrees[t] = pt // off holds the slot until the block is known
		}
		ptrees[t].src = tr
	}
	p.block, p.shift = maxBlock, maxShift
	for p.block > minBlock && len(p.slots)*p.block*8 > scratchBytes {
		p.block, p.shift = p.block/2, p.shift-1
	}
	for t := range ptrees {
		pt := &ptrees[t]
		nodes := pt.nodes
		if len(pt.leaf) != len(nodes) || (pt.cat != nil && len(pt.cat) != len(nodes)) {
			panic("scoring: compiled tree has a leaf value per node") // a bug here, not in the model
		}
		for i := range nodes {
			n := &nodes[i]
			o := n.offset() * int32(p.block)
			if n.off < 0 {
				if pt.cat == nil || !(n.thr >= 0 && n.thr <= float64(64*len(pt.bits))) ||
					int(pt.cat[i].start)+int(n.thr)/64 > len(pt.bits) || float64(int(n.thr)/64*64) != n.thr {
					panic("scoring: compiled categorical set out of range") // a bug here, not in the model
				}
				n.off = ^o
			} else {
				n.off = o
			}
			pt.maxOff = max(pt.maxOff, int(o))
			p.maxOff = max(p.maxOff, int(o))
			if f := n.first; f < 0 || int(f)+1 >= len(nodes) {
				panic("scoring: compiled tree has a child out of range") // a bug here, not in the model
			}
		}
	}
	if 1<<p.shift != p.block {
		panic("scoring: plan block and shift disagree")
	}
	p.trees = ptrees
	p.groups = groupTrees(ptrees)
	return p
}

// compileTree lays t out as fastNodes (off holding the slot index), adding
// the slots it reads to idx and slots. ok is false when some node cannot
// take the fast form, or t is not a well-formed tree; any slots it added
// are then taken back.
func compileTree(t *Tree, rowLen int, idx map[slot]int, slots *[]slot) (pt ptree, ok bool) {
	mark := len(*slots)
	defer func() {
		if !ok {
			for _, s := range (*slots)[mark:] {
				delete(idx, s)
			}
			*slots = (*slots)[:mark]
			pt = ptree{}
		}
	}()
	n := t.Nodes()
	if n == 0 || len(t.Threshold) < n || len(t.Flags) < n || len(t.Left) < n || len(t.Right) < n || len(t.Value) < n {
		return ptree{}, false
	}
	var (
		nodes = make([]fastNode, 0, n)
		leaf  = make([]float64, 0, n)
		cat   []catSplit // grown with nodes once a categorical node is met
		bits  []uint64
		depth int
	)
	slotOf := func(s slot) int {
		si, seen := idx[s]
		if !seen {
			si = len(*slots)
			idx[s] = si
			*slots = append(*slots, s)
		}
		return si
	}
	order := []int32{0} // compiled index -> original node
	level := []int{0}   // compiled index -> depth
	for c := 0; c < len(order); c++ {
		if cat != nil && len(cat) < len(nodes) {
			cat = append(cat, catSplit{})
		}
		i := order[c]
		if i < 0 || int(i) >= n || len(order) > n {
			return ptree{}, false // a child out of range, or shared nodes / a cycle
		}
		f := t.Feature[i]
		if f < 0 {
			nodes = append(nodes, fastNode{thr: math.Inf(1), first: int32(c)})
			leaf = append(leaf, t.Value[i])
			depth = max(depth, level[c])
			continue
		}
		if int(f) >= rowLen {
			return ptree{}, false
		}
		if fl := t.Flags[i]; fl&FlagCat != 0 {
			if fl&^(FlagCat|FlagNALeft) != 0 || int(i) >= len(t.CatStart) || int(i) >= len(t.CatWords) {
				return ptree{}, false
			}
			start, words := int(t.CatStart[i]), int(t.CatWords[i])
			if start < 0 || words < 0 || start > len(t.Cats)-words || words > 1<<24 {
				return ptree{}, false // goesLeft would index outside Cats (or the set is absurdly long)
			}
			if cat == nil {
				cat = make([]catSplit, len(nodes), n)
			}
			cs := catSplit{start: uint32(len(bits)), naRight: int32(b2i(fl&FlagNALeft == 0))}
			bits = append(bits, t.Cats[start:start+words]...)
			nodes = append(nodes, fastNode{thr: float64(64 * words), off: ^int32(slotOf(slot{feat: int(f)})), first: int32(len(order))})
			cat = append(cat, cs)
			leaf = append(leaf, 0)
			order = append(order, t.Left[i], t.Right[i])
			level = append(level, level[c]+1, level[c]+1)
			continue
		}
		thr, naLeft, fast := numericSplit(t.Flags[i], t.Threshold[i])
		if !fast {
			return ptree{}, false
		}
		si := slotOf(slot{feat: int(f), neg: !naLeft})
		first, second := t.Left[i], t.Right[i]
		if !naLeft {
			first, second = second, first
			thr = -math.Nextafter(thr, math.Inf(1))
		}
		nodes = append(nodes, fastNode{thr: thr, off: int32(si), first: int32(len(order))})
		leaf = append(leaf, 0)
		order = append(order, first, second)
		level = append(level, level[c]+1, level[c]+1)
	}
	// The sentinel: the last leaf's first+1 (never taken, x > +Inf being
	// false for every x) still lands inside the array.
	nodes = append(nodes, fastNode{thr: math.Inf(1), first: int32(len(nodes) - 1)})
	leaf = append(leaf, 0)
	if cat != nil {
		for len(cat) < len(nodes) {
			cat = append(cat, catSplit{})
		}
	}
	return ptree{nodes: nodes, leaf: leaf, cat: cat, bits: bits, depth: depth}, true
}

// numericSplit reduces a split's flags and threshold to "x <= thr goes
// left, NaN goes left when naLeft", or reports that it cannot.
//
// A zero-as-missing split sends |x| <= ZeroNA the way of NaN. Sent left
// with thr >= -ZeroNA, the band joins (-Inf, thr]: x <= max(thr, ZeroNA).
// Sent right with thr < -ZeroNA, the band lies right of thr anyway; with
// -ZeroNA <= thr <= ZeroNA, what goes left is x < -ZeroNA. The other cases
// leave the band as an island and take the slow path.
func numericSplit(fl uint8, thr float64) (t float64, naLeft, ok bool) {
	if fl&^(FlagNALeft|FlagZeroNA) != 0 || math.IsNaN(thr) {
		return 0, false, false
	}
	naLeft = fl&FlagNALeft != 0
	if fl&FlagZeroNA != 0 {
		switch {
		case naLeft && thr < -ZeroNA:
			return 0, false, false
		case naLeft:
			thr = math.Max(thr, ZeroNA)
		case thr > ZeroNA:
			return 0, false, false
		case thr >= -ZeroNA:
			thr = math.Nextafter(-ZeroNA, math.Inf(-1))
		}
	}
	if !naLeft && math.IsInf(thr, 1) {
		return 0, false, false // every non-NaN x goes left: no x < nextUp(thr) form
	}
	return thr, naLeft, true
}

// walk adds the tree's leaf values for the block's rows to acc, taking one
// level of the tree at a time over all the rows; idx holds each row's node
// between levels.
func (pt *ptree) walk(blk, acc []float64, idx []int32) {
	idx = idx[:len(acc)]
	if len(idx) == 0 {
		return
	}
	// Every load below is at most maxOff+len(idx)-1 into blk.
	_ = blk[pt.maxOff+len(idx)-1]
	if pt.mixed() {
		pt.walkMixed(blk, acc, idx)
		return
	}
	switch pt.depth {
	case 0:
		for r := range acc {
			acc[r] += pt.leaf[0]
		}
	case 1:
		stepRoot(pt.nodes[0], blk, idx)
		for r, i := range idx {
			acc[r] += pt.leaf[i]
		}
	default:
		stepRoot(pt.nodes[0], blk, idx)
		for d := 2; d < pt.depth; d++ {
			stepLevel(pt.nodes, blk, idx)
		}
		stepLeaf(pt.nodes, pt.leaf, blk, idx, acc)
	}
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// stepRoot moves every row from the root to its child.
func stepRoot(n fastNode, blk []float64, idx []int32) {
	x := blk[n.off:][:len(idx)]
	for r, v := range x {
		idx[r] = n.first + b2i(v > n.thr)
	}
}

// stepLevel moves every row from its node to the child it takes. The loads
// are unchecked: idx holds nodes' children (in range by the ptree
// invariant) and blk reaches past every node's off by len(idx) (walk
// checked it); a bounds check on each would cost about a third of the
// walk.
func stepLevel(nodes []fastNode, blk []float64, idx []int32) {
	np := unsafe.Pointer(unsafe.SliceData(nodes))
	bp := unsafe.Pointer(unsafe.SliceData(blk))
	for r, i := range idx {
		n := (*fastNode)(unsafe.Add(np, uintptr(uint32(i))*unsafe.Sizeof(fastNode{})))
		x := *(*float64)(unsafe.Add(bp, (uintptr(uint32(n.off))+uintptr(r))*8))
		idx[r] = n.first + b2i(x > n.thr)
	}
}

// stepLeaf takes the last step as stepLevel does and adds the leaf reached
// (leaf is as long as nodes) to acc.
func stepLeaf(nodes []fastNode, leaf, blk []float64, idx []int32, acc []float64) {
	np := unsafe.Pointer(unsafe.SliceData(nodes))
	bp := unsafe.Pointer(unsafe.SliceData(blk))
	lp := unsafe.Pointer(unsafe.SliceData(leaf[:len(nodes)]))
	acc = acc[:len(idx)]
	for r, i := range idx {
		n := (*fastNode)(unsafe.Add(np, uintptr(uint32(i))*unsafe.Sizeof(fastNode{})))
		x := *(*float64)(unsafe.Add(bp, (uintptr(uint32(n.off))+uintptr(r))*8))
		acc[r] += *(*float64)(unsafe.Add(lp, uintptr(uint32(n.first+b2i(x > n.thr)))*8))
	}
}

// catStep is the child a categorical node sends code x to (0 the left, 1
// the right), as Tree.goesLeft routes it: a code inside the set's range
// by its bit, one at or past the range (+Inf too) right, NaN and negative
// codes by the node's missing direction. x is compared before it is
// converted, so the conversion only sees codes in [0, thr) and the word
// loaded from bits is one of the node's set (compileGBM checked the set's
// range against bits).
func catStep(x float64, n *fastNode, c *catSplit, bits unsafe.Pointer) int32 {
	if x >= 0 && x < n.thr {
		u := uint64(x)
		w := *(*uint64)(unsafe.Add(bits, (uintptr(c.start)+uintptr(u>>6))*8))
		return int32(w>>(u&63)&1) ^ 1
	}
	if x >= n.thr {
		return 1
	}
	return c.naRight
}

// walkMixed is walk for a tree with categorical nodes: every row starts at
// the root and takes depth steps of stepMixed, the last one adding the leaf.
func (pt *ptree) walkMixed(blk, acc []float64, idx []int32) {
	for r := range idx {
		idx[r] = 0
	}
	for d := 1; d < pt.depth; d++ {
		pt.stepMixed(blk, idx, nil)
	}
	pt.stepMixed(blk, idx, acc)
}

// stepMixed moves every row one step, as stepLevel, with a branch on the
// node's kind; with acc it then adds the leaf reached (stepLeaf). The
// loads are unchecked on the ptree invariants, as stepLevel's (walk
// checked blk's length).
func (pt *ptree) stepMixed(blk []float64, idx []int32, acc []float64) {
	np := unsafe.Pointer(unsafe.SliceData(pt.nodes))
	cp := unsafe.Pointer(unsafe.SliceData(pt.cat[:len(pt.nodes)]))
	lp := unsafe.Pointer(unsafe.SliceData(pt.leaf[:len(pt.nodes)]))
	bits := unsafe.Pointer(unsafe.SliceData(pt.bits))
	bp := unsafe.Pointer(unsafe.SliceData(blk))
	for r, i := range idx {
		n := (*fastNode)(unsafe.Add(np, uintptr(uint32(i))*unsafe.Sizeof(fastNode{})))
		var next int32
		if n.off >= 0 {
			x := *(*float64)(unsafe.Add(bp, (uintptr(uint32(n.off))+uintptr(r))*8))
			next = n.first + b2i(x > n.thr)
		} else {
			x := *(*float64)(unsafe.Add(bp, (uintptr(uint32(^n.off))+uintptr(r))*8))
			c := (*catSplit)(unsafe.Add(cp, uintptr(uint32(i))*unsafe.Sizeof(catSplit{})))
			next = n.first + catStep(x, n, c, bits)
		}
		if acc == nil {
			idx[r] = next
		} else {
			acc[r] += *(*float64)(unsafe.Add(lp, uintptr(uint32(next))*8))
		}
	}
}
