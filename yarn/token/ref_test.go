package token

import (
	"testing"

	"github.com/mlctl/mlctl/yarn/internal/reftest"
)

func refVectors(t testing.TB) map[string]string { return reftest.Vectors(t) }
