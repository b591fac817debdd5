package learn

import (
	"fmt"

	"github.com/mlctl/mlctl/scoring"
)

// Box carries a scoring model through gob (which needs concrete types).
type Box struct {
	GLM *scoring.GLM
	GBM *scoring.GBM
}

// BoxOf boxes m.
func BoxOf(m scoring.Model) (Box, error) {
	switch v := m.(type) {
	case *scoring.GLM:
		return Box{GLM: v}, nil
	case *scoring.GBM:
		return Box{GBM: v}, nil
	}
	return Box{}, fmt.Errorf("learn: no box for model type %T", m)
}

// Model returns the boxed model.
func (b Box) Model() scoring.Model {
	if b.GLM != nil {
		return b.GLM
	}
	return b.GBM
}
