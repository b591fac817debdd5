package learn

import "math/rand/v2"

// Folds assigns rows to cross-validation folds: row i of chunk c goes to a
// fold drawn from a generator seeded with (seed, c), so the assignment does
// not depend on the node count. Exclude >= 0 makes the rows of that fold
// weigh 0 (training on the other folds); Only >= 0 keeps only that fold's
// rows (scoring the holdout). K = 0 means no folds.
type Folds struct {
	K       int
	Seed    int64
	Exclude int
	Only    int
}

// NoFolds uses every row.
var NoFolds = Folds{Exclude: -1, Only: -1}

// Active reports whether the folds change any weight.
func (f Folds) Active() bool { return f.K > 1 && (f.Exclude >= 0 || f.Only >= 0) }

// Apply zeroes the weights of rows the folds leave out, for chunk index c.
// w must be writable (Decode gives a fresh copy).
func (f Folds) Apply(c int, w []float64) {
	if !f.Active() {
		return
	}
	rng := rand.New(rand.NewPCG(uint64(f.Seed)^0x9e3779b97f4a7c15, uint64(c)))
	for i := range w {
		k := rng.IntN(f.K)
		if (f.Exclude >= 0 && k == f.Exclude) || (f.Only >= 0 && k != f.Only) {
			w[i] = 0
		}
	}
}
