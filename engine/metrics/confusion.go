package metrics

// ConfusionMatrix holds weighted counts: Counts[actual][predicted], both
// indexing Labels.
type ConfusionMatrix struct {
	Labels []string    `json:"labels"` // class names, row = actual, column = predicted
	Counts [][]float64 `json:"counts"` // weighted counts
}

// confusion accumulates a k×k matrix with compensated sums, one per cell.
type confusion struct {
	k     int
	cells []sum
}

func newConfusionSums(k int) confusion { return confusion{k: k, cells: make([]sum, k*k)} }

func (c confusion) add(actual, predicted int, w float64) {
	c.cells[actual*c.k+predicted].add(w)
}

// matrix returns the counts under labels, with one backing array.
func (c confusion) matrix(labels []string) ConfusionMatrix {
	k := c.k
	flat := make([]float64, k*k)
	for i := range flat {
		flat[i] = c.cells[i].value()
	}
	counts := make([][]float64, k)
	for i := range counts {
		counts[i] = flat[i*k : (i+1)*k : (i+1)*k]
	}
	return ConfusionMatrix{Labels: labels, Counts: counts}
}
