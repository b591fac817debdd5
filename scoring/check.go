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
// coefficient is NaN. For a GBM it adds the schema's checks to
// (*GBM).Validate. The artifact reader and every importer call it; a
// model that passes it is safe to score.
func Validate(m Model) error {
	switch v := m.(type) {
	case *GBM:
		if err := v.Schema.validate(); err != nil {
			return err
		}
		return v.Validate()
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
