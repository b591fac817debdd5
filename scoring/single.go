package scoring

import "unsafe"

// Scoring one row through a plan (Margins, Predict).
//
// The row's values are first gathered into one value per slot, negated
// where the slot is, so that a compiled node finds its input at
// vals[off>>shift] as the batch finds it at blk[off+r]. One row's descent
// of a tree is a chain of dependent loads (node, value, compare, next
// node), so the compiled trees are walked groupSize at a time with their
// chains interleaved, which the CPU overlaps. A group takes as many steps
// as its deepest tree: a leaf points at itself with threshold +Inf, so the
// extra steps keep a shallower tree on its leaf. The leaf values are then
// added in tree order, which keeps every margin bit-identical to summing
// Tree.Leaf's leaves one tree after another.

// groupSize is the number of trees walked together: enough chains to
// hide most of a step's latency, few enough that their node pointers and
// indexes stay in registers.
const groupSize = 4

// singleSlots is the number of slot values kept on the stack; a plan
// with more borrows a block scratch from its pool.
const singleSlots = 64

// A tgroup is trees [start, start+n) of a plan: up to groupSize compiled
// numeric trees (fast) walked together, or one tree scored alone (with
// walkMixed1 when it has categorical nodes, else with Tree.Leaf).
type tgroup struct {
	start, n int
	depth    int // the deepest of the trees
	fast     bool
}

func groupTrees(trees []ptree) []tgroup {
	var gs []tgroup
	for t := 0; t < len(trees); {
		if trees[t].nodes == nil || trees[t].mixed() {
			gs = append(gs, tgroup{start: t, n: 1})
			t++
			continue
		}
		g := tgroup{start: t, fast: true}
		for t < len(trees) && g.n < groupSize && trees[t].nodes != nil && !trees[t].mixed() {
			g.depth = max(g.depth, trees[t].depth)
			g.n++
			t++
		}
		gs = append(gs, g)
	}
	return gs
}

// addLeaves adds the leaf values of the plan's first ntrees trees for row
// to out[:k], tree t to class t%k, in tree order. row holds at least
// p.rowLen values.
func (p *gbmPlan) addLeaves(row, out []float64, ntrees int) {
	if len(p.slots) <= singleSlots {
		var buf [singleSlots]float64
		p.addLeavesVia(buf[:], row, out, ntrees)
		return
	}
	sc := p.scratch()
	p.addLeavesVia(sc.blk, row, out, ntrees)
	p.pool.Put(sc)
}

// addLeavesVia is addLeaves with vals (at least max(len(p.slots), 1)
// values) for the gathered row.
func (p *gbmPlan) addLeavesVia(vals, row, out []float64, ntrees int) {
	for s, sl := range p.slots {
		v := row[sl.feat]
		if sl.neg {
			v = -v
		}
		vals[s] = v
	}
	// Every compiled node's off>>shift is at most maxOff>>shift, a slot
	// (or 0 when there are none): the walks' unchecked loads from vp stay
	// inside vals.
	_ = vals[p.maxOff>>p.shift]
	vp := unsafe.Pointer(unsafe.SliceData(vals))
	k, c := p.src.k, 0 // c is the class of the next tree
	for _, g := range p.groups {
		if g.start+g.n > ntrees {
			for t := g.start; t < ntrees; t++ {
				out[c] += p.leaf(t, row, vp)
				if c++; c == k {
					c = 0
				}
			}
			return
		}
		if !g.fast || g.n < groupSize {
			for t := g.start; t < g.start+g.n; t++ {
				out[c] += p.leaf(t, row, vp)
				if c++; c == k {
					c = 0
				}
			}
			continue
		}
		ts := p.trees[g.start : g.start+groupSize]
		l0, l1, l2, l3 := walk4(&ts[0], &ts[1], &ts[2], &ts[3], g.depth, vp, p.shift)
		for _, l := range [groupSize]float64{l0, l1, l2, l3} {
			out[c] += l
			if c++; c == k {
				c = 0
			}
		}
	}
}

// leaf is tree t's leaf value for row (gathered in vp).
func (p *gbmPlan) leaf(t int, row []float64, vp unsafe.Pointer) float64 {
	pt := &p.trees[t]
	if pt.nodes == nil {
		return pt.src.Value[pt.src.Leaf(row)]
	}
	if pt.mixed() {
		return walkMixed1(pt, vp, p.shift)
	}
	return walk1(pt, vp, p.shift)
}

// The walks' loads are unchecked, as stepLevel's: a node index is the
// root (0) or some node's first or first+1, all inside nodes by the ptree
// invariant, and leaf is as long as nodes (compileGBM checks both); vp
// holds a value for every off>>shift (addLeavesVia checked it).

func walk1(pt *ptree, vp unsafe.Pointer, shift uint) float64 {
	np := unsafe.Pointer(unsafe.SliceData(pt.nodes))
	var i uint32
	for range pt.depth {
		n := (*fastNode)(unsafe.Add(np, uintptr(i)*unsafe.Sizeof(fastNode{})))
		x := *(*float64)(unsafe.Add(vp, uintptr(uint32(n.off)>>(shift&31))*8))
		i = uint32(n.first + b2i(x > n.thr))
	}
	return *(*float64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(pt.leaf)), uintptr(i)*8))
}

// walk4 is walk1 on four trees at once, depth steps each.
func walk4(a, b, c, d *ptree, depth int, vp unsafe.Pointer, shift uint) (la, lb, lc, ld float64) {
	const size = unsafe.Sizeof(fastNode{})
	pa := unsafe.Pointer(unsafe.SliceData(a.nodes))
	pb := unsafe.Pointer(unsafe.SliceData(b.nodes))
	pc := unsafe.Pointer(unsafe.SliceData(c.nodes))
	pd := unsafe.Pointer(unsafe.SliceData(d.nodes))
	var ia, ib, ic, id uint32
	for range depth {
		na := (*fastNode)(unsafe.Add(pa, uintptr(ia)*size))
		nb := (*fastNode)(unsafe.Add(pb, uintptr(ib)*size))
		nc := (*fastNode)(unsafe.Add(pc, uintptr(ic)*size))
		nd := (*fastNode)(unsafe.Add(pd, uintptr(id)*size))
		xa := *(*float64)(unsafe.Add(vp, uintptr(uint32(na.off)>>(shift&31))*8))
		xb := *(*float64)(unsafe.Add(vp, uintptr(uint32(nb.off)>>(shift&31))*8))
		xc := *(*float64)(unsafe.Add(vp, uintptr(uint32(nc.off)>>(shift&31))*8))
		xd := *(*float64)(unsafe.Add(vp, uintptr(uint32(nd.off)>>(shift&31))*8))
		ia = uint32(na.first + b2i(xa > na.thr))
		ib = uint32(nb.first + b2i(xb > nb.thr))
		ic = uint32(nc.first + b2i(xc > nc.thr))
		id = uint32(nd.first + b2i(xd > nd.thr))
	}
	la = *(*float64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(a.leaf)), uintptr(ia)*8))
	lb = *(*float64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b.leaf)), uintptr(ib)*8))
	lc = *(*float64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(c.leaf)), uintptr(ic)*8))
	ld = *(*float64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(d.leaf)), uintptr(id)*8))
	return
}

// walkMixed1 is walk1 for a tree with categorical nodes (see stepMixed).
func walkMixed1(pt *ptree, vp unsafe.Pointer, shift uint) float64 {
	np := unsafe.Pointer(unsafe.SliceData(pt.nodes))
	cp := unsafe.Pointer(unsafe.SliceData(pt.cat[:len(pt.nodes)]))
	bits := unsafe.Pointer(unsafe.SliceData(pt.bits))
	var i uint32
	for range pt.depth {
		n := (*fastNode)(unsafe.Add(np, uintptr(i)*unsafe.Sizeof(fastNode{})))
		if n.off >= 0 {
			x := *(*float64)(unsafe.Add(vp, uintptr(uint32(n.off)>>(shift&31))*8))
			i = uint32(n.first + b2i(x > n.thr))
		} else {
			x := *(*float64)(unsafe.Add(vp, uintptr(uint32(^n.off)>>(shift&31))*8))
			c := (*catSplit)(unsafe.Add(cp, uintptr(i)*unsafe.Sizeof(catSplit{})))
			i = uint32(n.first + catStep(x, n, c, bits))
		}
	}
	return *(*float64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(pt.leaf)), uintptr(i)*8))
}
