package stats

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// sketchSize is the number of points a quantile sketch keeps.
const sketchSize = 2048

// Sketch is a mergeable weighted quantile summary of one column: sorted
// values, each standing for a weight of rows. Distinct holds the exact
// distinct values while there are at most distinctCap of them.
type Sketch struct {
	V, W     []float64
	Distinct []float64 // nil once overflowed (see Over)
	Over     bool
}

// distinctCap is how many distinct values a sketch tracks exactly.
const distinctCap = 1024 // the GBM's largest nbins, so any bin count gets exact edges

// NewSketch summarises vals (NaN skipped) with weights w (nil = 1).
func NewSketch(vals, w []float64) Sketch {
	if unitWeights(w) {
		return unweightedSketch(vals)
	}
	type vw struct{ v, w float64 }
	pts := make([]vw, 0, len(vals))
	for i, v := range vals {
		if math.IsNaN(v) {
			continue
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if !(wi > 0) {
			continue
		}
		pts = append(pts, vw{v, wi})
	}
	slices.SortFunc(pts, func(a, b vw) int { return cmp.Compare(a.v, b.v) })
	var s Sketch
	for _, p := range pts {
		if n := len(s.V); n > 0 && s.V[n-1] == p.v {
			s.W[n-1] += p.w
			continue
		}
		s.V = append(s.V, p.v)
		s.W = append(s.W, p.w)
	}
	if len(s.V) <= distinctCap {
		s.Distinct = slices.Clone(s.V)
	} else {
		s.Over = true
	}
	s.compress()
	return s
}

// Merge combines two sketches (a of lower chunks); the result depends only
// on the inputs, so merging in the fixed reduce tree is deterministic.
func Merge(a, b Sketch) Sketch {
	out := Sketch{V: make([]float64, 0, len(a.V)+len(b.V)), W: make([]float64, 0, len(a.V)+len(b.V))}
	i, j := 0, 0
	for i < len(a.V) || j < len(b.V) {
		var v, w float64
		switch {
		case j >= len(b.V) || (i < len(a.V) && a.V[i] < b.V[j]):
			v, w = a.V[i], a.W[i]
			i++
		case i >= len(a.V) || b.V[j] < a.V[i]:
			v, w = b.V[j], b.W[j]
			j++
		default:
			v, w = a.V[i], a.W[i]+b.W[j]
			i++
			j++
		}
		out.V = append(out.V, v)
		out.W = append(out.W, w)
	}
	out.Over = a.Over || b.Over
	if !out.Over {
		out.Distinct = mergeDistinct(a.Distinct, b.Distinct)
		if len(out.Distinct) > distinctCap {
			out.Distinct, out.Over = nil, true
		}
	}
	out.compress()
	return out
}

func mergeDistinct(a, b []float64) []float64 {
	out := make([]float64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j >= len(b) || (i < len(a) && a[i] < b[j]):
			out = append(out, a[i])
			i++
		case i >= len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// compress keeps at most sketchSize points: the first, the last, and the
// points at evenly spaced cumulative weights, each carrying the weight of
// the points it replaces.
func (s *Sketch) compress() {
	n := len(s.V)
	if n <= sketchSize {
		return
	}
	total := 0.0
	for _, w := range s.W {
		total += w
	}
	v := make([]float64, 0, sketchSize)
	w := make([]float64, 0, sketchSize)
	step := total / float64(sketchSize-1)
	next := step
	cum, carry := 0.0, 0.0
	for i := 0; i < n; i++ {
		cum += s.W[i]
		carry += s.W[i]
		if i == 0 || i == n-1 || cum >= next {
			v = append(v, s.V[i])
			w = append(w, carry)
			carry = 0
			for next <= cum {
				next += step
			}
		}
	}
	if carry > 0 {
		w[len(w)-1] += carry
	}
	s.V, s.W = v, w
}

// Edges returns the bin edges for at most nbins bins: a value v falls in
// bin i = the number of edges below v (so v <= edges[i] for bin i). With
// few distinct values every value gets its own bin.
func (s Sketch) Edges(nbins int) []float64 {
	if !s.Over && len(s.Distinct) <= nbins {
		if len(s.Distinct) == 0 {
			return nil
		}
		return slices.Clone(s.Distinct[:len(s.Distinct)-1])
	}
	total := 0.0
	for _, w := range s.W {
		total += w
	}
	var edges []float64
	cum := 0.0
	k := 1
	for i := 0; i < len(s.V) && k < nbins; i++ {
		cum += s.W[i]
		target := total * float64(k) / float64(nbins)
		if cum >= target {
			if i < len(s.V)-1 && (len(edges) == 0 || s.V[i] > edges[len(edges)-1]) {
				edges = append(edges, s.V[i])
			}
			for k < nbins && cum >= total*float64(k)/float64(nbins) {
				k++
			}
		}
	}
	return edges
}

// BinOf returns v's bin for edges; NaN is the NA bin len(edges)+1.
func BinOf(edges []float64, v float64) int {
	if math.IsNaN(v) {
		return len(edges) + 1
	}
	return sort.SearchFloat64s(edges, v)
}

// unitWeights reports whether every weight is 1 (or there are none).
func unitWeights(w []float64) bool {
	for _, x := range w {
		if x != 1 {
			return false
		}
	}
	return true
}

// unweightedSketch is NewSketch for unit weights: a plain float sort, then
// runs of equal values counted.
func unweightedSketch(vals []float64) Sketch {
	xs := make([]float64, 0, len(vals))
	for _, v := range vals {
		if !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	slices.Sort(xs)
	var s Sketch
	for _, v := range xs {
		if n := len(s.V); n > 0 && s.V[n-1] == v {
			s.W[n-1]++
			continue
		}
		s.V = append(s.V, v)
		s.W = append(s.W, 1)
	}
	if len(s.V) <= distinctCap {
		s.Distinct = slices.Clone(s.V)
	} else {
		s.Over = true
	}
	s.compress()
	return s
}
