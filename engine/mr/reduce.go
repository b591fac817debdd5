package mr

import "sort"

// TreeReduce combines ps in a fixed balanced binary tree: the left half, then
// the right half, then the two. Its shape depends only on len(ps).
func TreeReduce[P any](ps []P, reduce func(a, b P) P) P {
	switch len(ps) {
	case 0:
		var zero P
		return zero
	case 1:
		return ps[0]
	}
	mid := len(ps) / 2
	return reduce(TreeReduce(ps[:mid], reduce), TreeReduce(ps[mid:], reduce))
}

// Span is a subtree of the reduce tree over chunks [Lo, Hi).
type Span struct{ Lo, Hi int }

// LocalSpans lists the maximal subtrees of the reduce tree over n chunks
// whose leaves are all in held (ascending chunk indices), left to right. A
// node reduces each of them itself and sends one partial per span: with
// contiguous chunk homes that is O(log n) partials instead of one a chunk,
// and since the spans are subtrees of the same tree the result is the same
// bits as reducing every chunk on the leader.
func LocalSpans(n int, held []int) []Span {
	var out []Span
	count := func(lo, hi int) int {
		return sort.SearchInts(held, hi) - sort.SearchInts(held, lo)
	}
	var walk func(lo, hi int)
	walk = func(lo, hi int) {
		if hi <= lo {
			return
		}
		c := count(lo, hi)
		switch {
		case c == 0:
			return
		case c == hi-lo:
			out = append(out, Span{lo, hi})
			return
		}
		mid := lo + (hi-lo)/2
		walk(lo, mid)
		walk(mid, hi)
	}
	walk(0, n)
	return out
}

// reduceSpans reduces the reduce-tree over [lo, hi) from the given spans'
// values (keyed by span), decoding with get. ok is false when a leaf has no
// covering span.
func reduceSpans[P any](lo, hi int, have map[Span]P, reduce func(a, b P) P) (P, bool) {
	if v, ok := have[Span{lo, hi}]; ok {
		return v, true
	}
	var zero P
	if hi-lo <= 1 {
		return zero, false
	}
	mid := lo + (hi-lo)/2
	a, ok := reduceSpans(lo, mid, have, reduce)
	if !ok {
		return zero, false
	}
	b, ok := reduceSpans(mid, hi, have, reduce)
	if !ok {
		return zero, false
	}
	return reduce(a, b), true
}
