package scoring

import (
	"fmt"
	"math"
)

// Validate checks that a model is internally consistent, so that scoring it
// can neither index out of range nor loop: every array has its length,
// every feature index and child index is in range, every tree is a tree
// (so a descent ends), bitsets lie inside the tree's words, the
// coefficient layout fits the schema, and no leaf value, initial margin or
// coefficient is NaN. The artifact reader and every importer call it; a
// model that passes it is safe to score.
func Validate(m Model) error {
	switch v := m.(type) {
	case *GBM:
		return v.validate()
	case *GLM:
		return v.validate()
	case nil:
		return fmt.Errorf("no model")
	}
	return nil
}

func (s *Schema) validate() error {
	seen := make(map[string]bool, len(s.Features))
	for j, f := range s.Features {
		if f.Name == "" {
			return fmt.Errorf("feature %d has no name", j)
		}
		if seen[f.Name] {
			return fmt.Errorf("feature %q appears twice", f.Name)
		}
		seen[f.Name] = true
		switch f.Type {
		case Numeric:
		case Categorical:
			if len(f.Domain) == 0 {
				return fmt.Errorf("categorical feature %q has no levels", f.Name)
			}
		default:
			return fmt.Errorf("feature %q has type %q (want %s or %s)", f.Name, f.Type, Numeric, Categorical)
		}
	}
	if s.Offset != "" && seen[s.Offset] {
		return fmt.Errorf("offset column %q is also a feature", s.Offset)
	}
	return nil
}

// classesFor checks the response domain against the number of margins k a
// model computes for a classification or regression kind.
func classesFor(s *Schema, kind string, k int) error {
	switch kind {
	case "binary":
		if len(s.Classes) != 2 || k != 1 {
			return fmt.Errorf("a two-class model needs 2 classes and 1 margin, has %d classes and %d margins", len(s.Classes), k)
		}
	case "multi":
		if len(s.Classes) < 2 || k != len(s.Classes) {
			return fmt.Errorf("a multi-class model needs one margin per class, has %d classes and %d margins", len(s.Classes), k)
		}
	default:
		if len(s.Classes) != 0 || k != 1 {
			return fmt.Errorf("a regression needs 1 margin and no classes, has %d classes and %d margins", len(s.Classes), k)
		}
	}
	return nil
}

// knownFlags is every node flag this package knows how to score.
const knownFlags = FlagNALeft | FlagCat | FlagNAOnly | FlagZeroNA

func (m *GBM) validate() error {
	if err := m.Schema.validate(); err != nil {
		return err
	}
	kind := "regression"
	switch m.Distribution {
	case "bernoulli":
		kind = "binary"
	case "multinomial":
		kind = "multi"
	case "gaussian", "poisson", "gamma", "tweedie":
	default:
		return fmt.Errorf("GBM distribution %q is not one this scorer knows", m.Distribution)
	}
	if err := classesFor(&m.Schema, kind, len(m.InitF)); err != nil {
		return err
	}
	for c, v := range m.InitF {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("initial margin %d is %v", c, v)
		}
	}
	for i := range m.Trees {
		if err := m.Trees[i].validate(m.Schema.Features); err != nil {
			return fmt.Errorf("tree %d: %w", i, err)
		}
	}
	return nil
}

// validate checks one tree: arrays of one length (Cover may be absent),
// features and bitsets in range, and a real tree: every node but the root
// the child of exactly one split and all reachable from the root, so a
// descent always ends at a leaf.
func (t *Tree) validate(feats []Feature) error {
	n := len(t.Feature)
	if n == 0 {
		return fmt.Errorf("no nodes")
	}
	if len(t.Threshold) != n || len(t.Flags) != n || len(t.CatStart) != n || len(t.CatWords) != n ||
		len(t.Left) != n || len(t.Right) != n || len(t.Value) != n || (len(t.Cover) != n && len(t.Cover) != 0) {
		return fmt.Errorf("node arrays of different lengths")
	}
	parents := make([]uint8, n)
	for i := 0; i < n; i++ {
		f := t.Feature[i]
		if f < 0 {
			if f != -1 {
				return fmt.Errorf("node %d: feature %d", i, f)
			}
			if v := t.Value[i]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("leaf %d has value %v", i, v)
			}
			continue
		}
		if int(f) >= len(feats) {
			return fmt.Errorf("node %d splits on feature %d of %d", i, f, len(feats))
		}
		fl := t.Flags[i]
		if fl&^knownFlags != 0 {
			return fmt.Errorf("node %d has unknown flags %#x", i, fl)
		}
		for _, c := range [2]int32{t.Left[i], t.Right[i]} {
			if c <= 0 || int(c) >= n {
				return fmt.Errorf("node %d has child %d of %d nodes", i, c, n)
			}
			if parents[c]++; parents[c] > 1 {
				return fmt.Errorf("node %d is the child of more than one split", c)
			}
		}
		switch {
		case fl&FlagCat != 0:
			if feats[f].Type != Categorical {
				return fmt.Errorf("node %d: a level split on numeric feature %q", i, feats[f].Name)
			}
			s, w := int64(t.CatStart[i]), int64(t.CatWords[i])
			if s < 0 || w < 0 || s+w > int64(len(t.Cats)) {
				return fmt.Errorf("node %d: level set [%d, +%d) outside %d words", i, s, w, len(t.Cats))
			}
		case fl&FlagNAOnly == 0 && math.IsNaN(t.Threshold[i]):
			return fmt.Errorf("node %d has threshold NaN", i)
		}
	}
	// With one parent each, a walk from the root reaches every node unless
	// some form a cycle of their own.
	reached, stack := 1, []int32{0}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if t.Feature[i] >= 0 {
			stack = append(stack, t.Left[i], t.Right[i])
			reached += 2
		}
	}
	if reached != n {
		return fmt.Errorf("%d of %d nodes are not reachable from the root", n-reached, n)
	}
	return nil
}

func (m *GLM) validate() error {
	s := &m.Schema
	if err := s.validate(); err != nil {
		return err
	}
	kind := "regression"
	switch m.Family {
	case "binomial":
		kind = "binary"
	case "multinomial":
		kind = "multi"
	case "gaussian", "poisson", "gamma", "tweedie":
		switch m.Link {
		case "identity", "log", "inverse", "tweedie", "logit":
		default:
			return fmt.Errorf("GLM link %q is not one this scorer knows", m.Link)
		}
	default:
		return fmt.Errorf("GLM family %q is not one this scorer knows", m.Family)
	}
	if err := classesFor(s, kind, len(m.Beta)); err != nil {
		return err
	}
	if len(m.Start) != len(s.Features) || len(m.Impute) != len(s.Features) {
		return fmt.Errorf("%d features but %d slot starts and %d imputed values", len(s.Features), len(m.Start), len(m.Impute))
	}
	slots := len(m.Beta[0])
	for k, b := range m.Beta {
		if len(b) != slots {
			return fmt.Errorf("class %d has %d coefficients, class 0 has %d", k, len(b), slots)
		}
		for _, x := range b {
			if math.IsNaN(x) {
				return fmt.Errorf("a coefficient is NaN")
			}
		}
	}
	end := slots
	if m.Intercept {
		end--
	}
	for j, f := range s.Features {
		width := 1
		if f.Type == Categorical {
			width = len(f.Domain)
			if m.Intercept {
				width--
			}
			if c := m.Impute[j]; !(c >= 0 && c < float64(len(f.Domain))) || c != math.Trunc(c) {
				return fmt.Errorf("feature %q: imputed level %v is not a level", f.Name, c)
			}
		}
		if m.Start[j] < 0 || m.Start[j]+width > end {
			return fmt.Errorf("feature %q: slots [%d, %d) outside the %d coefficients", f.Name, m.Start[j], m.Start[j]+width, end)
		}
	}
	return nil
}
