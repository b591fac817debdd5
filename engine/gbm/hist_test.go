package gbm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteBest tries every numeric threshold with NA on either side, plainly.
func bruteBest(s *splitter, h []int64, tot stat) (float64, bool) {
	best, found := 0.0, false
	parent := s.score(tot)
	for i, f := range s.lay.Feats {
		ft := s.feats[f]
		if ft.Cat {
			continue
		}
		base := 3 * s.lay.Off[i]
		for b := 0; b < ft.Bins; b++ {
			for _, naLeft := range []bool{false, true} {
				var l stat
				for x := 0; x <= b; x++ {
					l.G += h[base+3*x]
					l.H += h[base+3*x+1]
					l.C += h[base+3*x+2]
				}
				if naLeft {
					na := base + 3*ft.Bins
					l.G, l.H, l.C = l.G+h[na], l.H+h[na+1], l.C+h[na+2]
				}
				r := tot.sub(l)
				if !s.ok(l) || !s.ok(r) {
					continue
				}
				g := s.score(l) + s.score(r) - parent
				if g > 1e-12*math.Max(1, math.Abs(parent)) && (!found || g > best) {
					best, found = g, true
				}
			}
		}
	}
	return best, found
}

func TestBestSplitMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 300; trial++ {
		feats := []feat{{Bins: 1 + rng.IntN(20)}, {Bins: 1 + rng.IntN(5)}, {Bins: 1 + rng.IntN(30)}}
		lay := newLayout(feats, []int{0, 1, 2})
		h := make([]int64, lay.Len())
		rows := 50 + rng.IntN(500)
		var tot stat
		for r := 0; r < rows; r++ {
			g := int64(rng.NormFloat64() * 1000)
			hh := int64(1 + rng.IntN(1000))
			for i, f := range feats {
				b := rng.IntN(f.NBins())
				if rng.IntN(4) == 0 {
					b = f.Bins // NA
				}
				j := 3 * (lay.Off[i] + b)
				h[j] += g
				h[j+1] += hh
				h[j+2] += 1
			}
			tot.G += g
			tot.H += hh
			tot.C++
		}
		s := &splitter{feats: feats, lay: &lay, sc: scales{1, 1, 1}, minC: int64(1 + rng.IntN(20)), catSmth: 10}
		sp, ok := s.best(h, tot)
		want, wok := bruteBest(s, h, tot)
		if ok != wok || (ok && math.Abs(sp.Gain-want) > 1e-9*math.Abs(want)) {
			t.Fatalf("trial %d: best gain %v (%v), brute force %v (%v)", trial, sp.Gain, ok, want, wok)
		}
		if ok {
			// The split's children are what its bins add up to.
			if sp.L.C+sp.R.C != tot.C || sp.L.G+sp.R.G != tot.G {
				t.Fatalf("children do not add up to the parent: %+v %+v %+v", sp.L, sp.R, tot)
			}
		}
	}
}

// A categorical split puts levels whose gradients point the same way
// together, and routes by the set, whatever the level order.
func TestCategoricalSplitGroupsLevels(t *testing.T) {
	feats := []feat{{Cat: true, Bins: 6}}
	lay := newLayout(feats, []int{0})
	h := make([]int64, lay.Len())
	// levels 1, 3, 4 have negative gradients, 0, 2, 5 positive
	for lvl, g := range []int64{50, -40, 60, -55, -45, 40} {
		h[3*lvl], h[3*lvl+1], h[3*lvl+2] = g*10, 100, 100
	}
	var tot stat
	for b := 0; b < 7; b++ {
		tot.G += h[3*b]
		tot.H += h[3*b+1]
		tot.C += h[3*b+2]
	}
	s := &splitter{feats: feats, lay: &lay, sc: scales{1, 1, 1}, minC: 1, catSmth: 10}
	sp, ok := s.best(h, tot)
	if !ok || !sp.Cat {
		t.Fatalf("no categorical split: %+v", sp)
	}
	left := map[int]bool{}
	for lvl := 0; lvl < 6; lvl++ {
		ns := nodeSplit{Cat: true, Set: sp.Set, NA: 6}
		left[lvl] = goesLeft(uint16(lvl), 6, &ns)
	}
	if !(left[1] == left[3] && left[3] == left[4] && left[0] == left[2] && left[2] == left[5] && left[0] != left[1]) {
		t.Fatalf("levels grouped as %v", left)
	}
}
