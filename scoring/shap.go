package scoring

import (
	"math"
	"strconv"
)

// Contributor is a model that splits each class's raw margin (the value
// before the link or transform) into one term per feature plus a bias.
//
// Contributions writes (len(Features)+1) values per class, class by class:
// for class k, out[k*(F+1)+j] is feature j's contribution and
// out[k*(F+1)+F] the bias; a class's F+1 values sum to its margin.
// ContributionNames labels those values in the same order.
type Contributor interface {
	Contributions(row, out []float64)
	ContributionNames() []string
}

// contributionNames labels k groups of len(s.Features)+1 contributions.
// With one margin the labels are the feature names, then "bias". With k > 1
// margins (multinomial) every label is "contrib_<class>_<feature>" or
// "contrib_<class>_bias", the class named from s.Classes (its index when
// the schema names fewer classes). The bias label gains a leading "_" for
// as long as a feature already has that name, so the labels of one class
// never repeat; its position, last in its class, is what identifies it.
func contributionNames(s *Schema, k int) []string {
	bias := "bias"
	for s.Index(bias) >= 0 {
		bias = "_" + bias
	}
	out := make([]string, 0, k*(len(s.Features)+1))
	for c := 0; c < k; c++ {
		prefix := ""
		if k > 1 {
			name := strconv.Itoa(c)
			if c < len(s.Classes) {
				name = s.Classes[c]
			}
			prefix = "contrib_" + name + "_"
		}
		for _, f := range s.Features {
			out = append(out, prefix+f.Name)
		}
		out = append(out, prefix+bias)
	}
	return out
}

// ContributionNames labels the values Contributions writes (see
// contributionNames: feature names and "bias", prefixed per class for a
// multinomial model).
func (m *GBM) ContributionNames() []string { return contributionNames(&m.Schema, m.Classes()) }

// ContributionNames labels the values Contributions writes, as for a GBM.
func (m *GLM) ContributionNames() []string { return contributionNames(&m.Schema, m.etaClasses()) }

// etaClasses is the number of linear predictors Predict uses: one per
// class for a multinomial model, one otherwise.
func (m *GLM) etaClasses() int {
	if m.Family == "multinomial" {
		return len(m.Beta)
	}
	return 1
}

// Contributions writes exact TreeSHAP values (Lundberg, Erion and Lee 2018,
// Algorithm 2) into out[:(len(Features)+1)*Classes()]: for class k, feature
// j's Shapley value of class k's trees, then the bias InitF[k] + the
// expected value of class k's trees + the offset (when the model has one
// and the row's value is not missing). Expectations weight a node's
// children by their training Cover (see coverSplit). Routing follows
// Tree.Leaf exactly, missing values and categorical sets included.
func (m *GBM) Contributions(row, out []float64) {
	k := m.Classes()
	nf := len(m.Schema.Features)
	w := nf + 1
	out = out[:k*w]
	clear(out)
	for c := 0; c < k; c++ {
		out[c*w+nf] = m.InitF[c]
	}
	var s treeSHAP
	s.row = row
	for t := range m.Trees {
		tr := &m.Trees[t]
		c := t % k
		e, depth := tr.expectation(0, 0)
		out[c*w+nf] += e
		if need := (depth + 1) * (depth + 2) / 2; len(s.buf) < need {
			s.buf = make([]pathElem, need)
		}
		s.tree = tr
		s.phi = out[c*w : c*w+nf : c*w+nf]
		s.recurse(0, 0, nil, 1, 1, -1)
	}
	if m.Schema.Offset != "" {
		if o := row[nf]; !math.IsNaN(o) {
			for c := 0; c < k; c++ {
				out[c*w+nf] += o
			}
		}
	}
}

// coverSplit returns the shares of inner node i's training cover that went
// left and right. The shares are taken from the children's covers (not the
// parent's) so that they sum to 1 even when an imported model's covers do
// not add up, which keeps contributions summing to the margin. A missing,
// negative or NaN cover counts as zero; when both children have zero cover
// the split counts as even.
func (t *Tree) coverSplit(i int) (left, right float64) {
	cl, cr := t.coverOf(t.Left[i]), t.coverOf(t.Right[i])
	if s := cl + cr; s > 0 && s <= math.MaxFloat64 {
		return cl / s, cr / s
	}
	return 0.5, 0.5
}

func (t *Tree) coverOf(i int32) float64 {
	if int(i) < len(t.Cover) {
		if c := t.Cover[i]; c > 0 {
			return c
		}
	}
	return 0
}

// expectation returns the cover-weighted mean leaf value under node i and
// the depth (in edges) of the deepest leaf below it. A tree deeper than its
// node count has a cycle.
func (t *Tree) expectation(i, depth int) (float64, int) {
	if t.Feature[i] < 0 {
		return t.Value[i], depth
	}
	if depth >= t.Nodes() {
		panic("scoring: a tree's nodes form a cycle")
	}
	fl, fr := t.coverSplit(i)
	el, dl := t.expectation(int(t.Left[i]), depth+1)
	er, dr := t.expectation(int(t.Right[i]), depth+1)
	return fl*el + fr*er, max(dl, dr)
}

// pathElem is one feature on the path from the root in TreeSHAP: the share
// of the cover that follows the path when the feature is not known (zero),
// whether the row follows it when the feature is known (one, 0 or 1), and
// the weight of the subsets of each size (w, indexed by position).
type pathElem struct {
	feat      int32
	zero, one float64
	w         float64
}

// treeSHAP adds one tree's Shapley values for row into phi. buf holds the
// path of every depth: depth d uses buf[d(d+1)/2:][:d+1].
type treeSHAP struct {
	tree *Tree
	row  []float64
	phi  []float64
	buf  []pathElem
}

// recurse visits node i at depth with the parent's path, extended by the
// feature pf that led here with shares pz (unknown) and po (known).
func (s *treeSHAP) recurse(i, depth int, parent []pathElem, pz, po float64, pf int32) {
	off := depth * (depth + 1) / 2
	path := s.buf[off : off+len(parent)+1]
	copy(path, parent)
	extendPath(path, pz, po, pf)
	t := s.tree
	f := t.Feature[i]
	if f < 0 {
		v := t.Value[i]
		for j := 1; j < len(path); j++ {
			e := &path[j]
			s.phi[e.feat] += unwoundSum(path, j) * (e.one - e.zero) * v
		}
		return
	}
	hot, cold := int(t.Left[i]), int(t.Right[i])
	fh, fc := t.coverSplit(i)
	if !t.goesLeft(i, s.row[f]) {
		hot, cold, fh, fc = cold, hot, fc, fh
	}
	// A feature met again: undo its earlier element and carry its shares.
	iz, io := 1.0, 1.0
	for j := 1; j < len(path); j++ {
		if path[j].feat == f {
			iz, io = path[j].zero, path[j].one
			path = unwindPath(path, j)
			break
		}
	}
	// A child that neither the unknown nor the known case reaches adds
	// nothing; skipping it also keeps unwinding from dividing by zero.
	if z := iz * fh; z != 0 || io != 0 {
		s.recurse(hot, depth+1, path, z, io, f)
	}
	if z := iz * fc; z != 0 {
		s.recurse(cold, depth+1, path, z, 0, f)
	}
}

// extendPath fills the last element of path with (pf, pz, po) and updates
// the subset-size weights: every existing subset either leaves the new
// feature out (share pz) or takes it in (share po).
func extendPath(path []pathElem, pz, po float64, pf int32) {
	l := len(path) - 1
	w := 0.0
	if l == 0 {
		w = 1
	}
	path[l] = pathElem{feat: pf, zero: pz, one: po, w: w}
	n := float64(l + 1)
	for i := l - 1; i >= 0; i-- {
		path[i+1].w += po * path[i].w * float64(i+1) / n
		path[i].w = pz * path[i].w * float64(l-i) / n
	}
}

// unwindPath undoes extendPath for element i and returns the shorter path.
func unwindPath(path []pathElem, i int) []pathElem {
	l := len(path)
	n := float64(l)
	o, z := path[i].one, path[i].zero
	next := path[l-1].w
	for j := l - 2; j >= 0; j-- {
		if o != 0 {
			t := path[j].w
			path[j].w = next * n / (float64(j+1) * o)
			next = t - path[j].w*z*float64(l-1-j)/n
		} else {
			path[j].w = path[j].w * n / (z * float64(l-1-j))
		}
	}
	for j := i; j < l-1; j++ {
		path[j].feat, path[j].zero, path[j].one = path[j+1].feat, path[j+1].zero, path[j+1].one
	}
	return path[:l-1]
}

// unwoundSum is the total weight of path with element i unwound, without
// changing path.
func unwoundSum(path []pathElem, i int) float64 {
	l := len(path)
	n := float64(l)
	o, z := path[i].one, path[i].zero
	next := path[l-1].w
	total := 0.0
	for j := l - 2; j >= 0; j-- {
		if o != 0 {
			w := next * n / (float64(j+1) * o)
			total += w
			next = path[j].w - w*z*float64(l-1-j)/n
		} else {
			total += path[j].w * n / (z * float64(l-1-j))
		}
	}
	return total
}

// Contributions writes, per linear predictor (one, or one per class for a
// multinomial model), each feature's term of Eta on the original scale —
// coefficient × value for a numeric feature, the level's coefficient for a
// categorical one (0 for the reference level), missing values imputed as
// Eta imputes them — then the bias: the intercept plus the offset when the
// model has one and the row's value is not missing. The terms sum to Eta up
// to rounding (they are added in another order).
func (m *GLM) Contributions(row, out []float64) {
	nf := len(m.Schema.Features)
	w := nf + 1
	for k := 0; k < m.etaClasses(); k++ {
		b := m.Beta[k]
		o := out[k*w : (k+1)*w]
		for j, f := range m.Schema.Features {
			v := row[j]
			if f.Type == Categorical {
				c := catCode(v, len(f.Domain))
				if c < 0 {
					c = int(m.Impute[j])
				}
				if m.Intercept {
					if c == 0 {
						o[j] = 0
						continue
					}
					c--
				}
				o[j] = b[m.Start[j]+c]
				continue
			}
			if math.IsNaN(v) {
				v = m.Impute[j]
			}
			o[j] = b[m.Start[j]] * v
		}
		bias := 0.0
		if m.Intercept {
			bias = b[len(b)-1]
		}
		if m.Schema.Offset != "" {
			if off := row[nf]; !math.IsNaN(off) {
				bias += off
			}
		}
		o[nf] = bias
	}
}
