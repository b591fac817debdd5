package gbm

import (
	"cmp"
	"math"
	"slices"
)

// layout places the histogrammed features' bins in one flat array of
// (G, H, C) triples: feature Feats[i]'s bin b is at 3*(Off[i]+b).
type layout struct {
	Feats []int
	Off   []int
	Total int // bins
}

func newLayout(feats []feat, use []int) layout {
	l := layout{Feats: use}
	for _, f := range use {
		l.Off = append(l.Off, l.Total)
		l.Total += feats[f].NBins()
	}
	return l
}

// Len is the length of one histogram.
func (l *layout) Len() int { return 3 * l.Total }

// scales turn quantised sums back into floats.
type scales struct{ G, H, W float64 }

// scaleFor is the power of two that maps |v| <= max onto at most 2^30, so
// one row fits an int32 and a sum of up to 2^33 rows an int64.
func scaleFor(max float64) float64 {
	if !(max > 0) || math.IsInf(max, 0) {
		return 1
	}
	return math.Exp2(math.Floor(math.Log2(float64(1<<30) / max)))
}

// stat is a node's quantised totals.
type stat struct{ G, H, C int64 }

func (s stat) sub(b stat) stat { return stat{s.G - b.G, s.H - b.H, s.C - b.C} }

// totals reads a node's totals from its histogram (every feature's bins add
// up to the same; the first one is read).
func totals(h []int64, l *layout) stat {
	var s stat
	n := 0
	if len(l.Feats) > 1 {
		n = l.Off[1]
	} else {
		n = l.Total
	}
	for b := 0; b < n; b++ {
		s.G += h[3*b]
		s.H += h[3*b+1]
		s.C += h[3*b+2]
	}
	return s
}

// split is a chosen split of a node.
type split struct {
	Feature int
	Cat     bool
	Bin     int      // numeric: bins <= Bin go left
	Set     []uint64 // categorical: levels with their bit set go left
	NALeft  bool
	Gain    float64
	L, R    stat
}

// splitter finds splits with the model's parameters.
type splitter struct {
	feats   []feat
	lay     *layout
	sc      scales
	l2      float64
	minC    int64 // min_rows as a quantised weight
	catSmth float64
}

func (s *splitter) score(st stat) float64 {
	g := float64(st.G) / s.sc.G
	h := float64(st.H) / s.sc.H
	return g * g / (h + s.l2)
}

func (s *splitter) ok(st stat) bool { return st.C >= s.minC && st.H > 0 && st.C > 0 }

// best returns the best split of a node with histogram h and totals tot;
// false when no split gains. Ties keep the first found: lowest feature in
// layout order, then lowest bin, NA right before NA left.
func (s *splitter) best(h []int64, tot stat) (split, bool) {
	var best split
	found := false
	parent := s.score(tot)
	consider := func(c split) {
		c.Gain = s.score(c.L) + s.score(c.R) - parent
		if c.Gain > 1e-12*math.Max(1, math.Abs(parent)) && (!found || c.Gain > best.Gain) {
			best, found = c, true
		}
	}
	for i, f := range s.lay.Feats {
		ft := s.feats[f]
		hb := h[3*s.lay.Off[i] : 3*(s.lay.Off[i]+ft.NBins())]
		na := stat{hb[3*ft.Bins], hb[3*ft.Bins+1], hb[3*ft.Bins+2]}
		if ft.Cat {
			s.bestCat(f, ft, hb, tot, na, consider)
			continue
		}
		var left stat
		for b := 0; b < ft.Bins; b++ {
			left.G += hb[3*b]
			left.H += hb[3*b+1]
			left.C += hb[3*b+2]
			if hb[3*b+2] == 0 && b < ft.Bins-1 {
				continue // the same split as the bin before
			}
			for _, naLeft := range [2]bool{false, true} {
				if naLeft && na.C == 0 {
					continue
				}
				l := left
				if naLeft {
					l = stat{l.G + na.G, l.H + na.H, l.C + na.C}
				}
				r := tot.sub(l)
				if s.ok(l) && s.ok(r) {
					consider(split{Feature: f, Bin: b, NALeft: naLeft, L: l, R: r})
				}
			}
		}
	}
	return best, found
}

// Categorical split regularisation, as LightGBM's min_data_per_group and
// max_cat_threshold defaults: a level needs catMinGroup rows (weighted) to
// be placed by its statistics (rarer ones go right), and a side holds at
// most catMaxThreshold levels. Without these a 300-level column fits noise
// at depth: on the airline-like data (200k rows, depth 10) validation AUC
// went from 0.676 to 0.709. (LightGBM's cat_l2 was tried too and changed
// nothing there.)
const (
	catMinGroup     = 100
	catMaxThreshold = 32
)

// bestCat scans the levels in order of G/(H+smooth), from either end, for
// the best set of at most catMaxThreshold levels to send left.
func (s *splitter) bestCat(f int, ft feat, hb []int64, tot, na stat, consider func(split)) {
	type lv struct {
		code  int
		ratio float64
	}
	minC := int64(math.Ceil(catMinGroup * s.sc.W))
	levels := make([]lv, 0, ft.Bins)
	for b := 0; b < ft.Bins; b++ {
		if hb[3*b+2] < max(minC, 1) {
			continue
		}
		g := float64(hb[3*b]) / s.sc.G
		hh := float64(hb[3*b+1]) / s.sc.H
		levels = append(levels, lv{b, g / (hh + s.catSmth)})
	}
	if len(levels) < 2 && na.C == 0 {
		return
	}
	slices.SortStableFunc(levels, func(a, b lv) int { return cmp.Compare(a.ratio, b.ratio) })
	words := (ft.Bins + 63) / 64
	for dir := 0; dir < 2; dir++ {
		var left stat
		for p := 0; p < len(levels) && p < catMaxThreshold; p++ {
			idx := p
			if dir == 1 {
				idx = len(levels) - 1 - p
			}
			b := levels[idx].code
			left.G += hb[3*b]
			left.H += hb[3*b+1]
			left.C += hb[3*b+2]
			for _, naLeft := range [2]bool{false, true} {
				if naLeft && na.C == 0 {
					continue
				}
				l := left
				if naLeft {
					l = stat{l.G + na.G, l.H + na.H, l.C + na.C}
				}
				r := tot.sub(l)
				if !s.ok(l) || !s.ok(r) {
					continue
				}
				set := make([]uint64, words)
				for q := 0; q <= p; q++ {
					j := q
					if dir == 1 {
						j = len(levels) - 1 - q
					}
					x := levels[j].code
					set[x>>6] |= 1 << (uint(x) & 63)
				}
				consider(split{Feature: f, Cat: true, Set: set, NALeft: naLeft, L: l, R: r})
			}
		}
	}
}

// goesLeft tells where a row with bin b goes under a split; na is the
// feature's NA bin.
func goesLeft(b uint16, na int, sp *nodeSplit) bool {
	if int(b) == na {
		return sp.NALeft
	}
	if sp.Cat {
		w := int(b) >> 6
		return w < len(sp.Set) && sp.Set[w]>>(uint(b)&63)&1 != 0
	}
	return int(b) <= sp.Bin
}
