package chunk

import (
	"math"
	"slices"
)

// sparseChunk stores only the rows that differ from a fill value: their
// indices and, as a nested dense chunk, their values. The fill is +0.0 or
// NA. Those two are the ones the stats pass counts for free; a general mode
// would need a hash pass over the data, which the parse hot path cannot afford.
type sparseChunk struct {
	numeric
	n      int
	fillNA bool     // fill is NA; otherwise +0.0
	idx    []uint32 // strictly increasing rows that are not fill
	vals   Chunk    // dense, len(idx) rows; never Sparse or Str
}

// sparseShare is the minimum share of fill rows, in tenths, for which a
// sparse form is even built; below it a dense form is smaller anyway.
const sparseShare = 9

// trySparse builds the sparse form when ≥90% of rows are +0.0 or NA and it
// is smaller than the dense plan's payload; otherwise it returns nil. Zero
// fill wins ties with NA fill: zero-heavy columns are the common case.
func trySparse(vals []float64, st *numStats, denseBytes int) *sparseChunk {
	fillNA, m, ok := sparseFill(st, denseBytes)
	if !ok {
		return nil
	}
	idx := make([]uint32, 0, m)
	rest := make([]float64, 0, m)
	for i, v := range vals {
		isFill := v != v
		if !fillNA {
			isFill = math.Float64bits(v) == 0
		}
		if !isFill {
			idx = append(idx, uint32(i))
			rest = append(rest, v)
		}
	}
	return keepSparse(&sparseChunk{n: st.n, fillNA: fillNA, idx: idx, vals: encode(rest, false)}, denseBytes)
}

// sparseFill decides from the stats whether a sparse form is worth
// building, and if so its fill and how many rows it stores (m).
func sparseFill(st *numStats, denseBytes int) (fillNA bool, m int, ok bool) {
	n := st.n
	switch {
	case st.zeros*10 >= n*sparseShare:
		m = n - st.zeros
	case st.na*10 >= n*sparseShare:
		fillNA, m = true, n-st.na
	default:
		return false, 0, false
	}
	// Index bytes alone already lose: skip building the nested chunk.
	if 4*m >= denseBytes {
		return false, 0, false
	}
	return fillNA, m, true
}

// keepSparse returns c if it is smaller than the dense plan, else nil.
func keepSparse(c *sparseChunk, denseBytes int) *sparseChunk {
	if c.MemBytes() >= hdrBytes+denseBytes {
		return nil
	}
	return c
}

func (c *sparseChunk) Len() int           { return c.n }
func (c *sparseChunk) Encoding() Encoding { return Sparse }
func (c *sparseChunk) MemBytes() int      { return hdrBytes + 4*len(c.idx) + c.vals.MemBytes() }

func (c *sparseChunk) find(i int) (int, bool) {
	checkRow(i, c.n)
	return slices.BinarySearch(c.idx, uint32(i))
}

func (c *sparseChunk) IsNA(i int) bool {
	if k, ok := c.find(i); ok {
		return c.vals.IsNA(k)
	}
	return c.fillNA
}

func (c *sparseChunk) Float(i int) float64 {
	if k, ok := c.find(i); ok {
		return c.vals.Float(k)
	}
	return c.fill()
}

func (c *sparseChunk) fill() float64 {
	if c.fillNA {
		return NA
	}
	return 0
}

// Floats decodes the stored values into the front of dst, then scatters them
// to their rows from the back. idx[k] ≥ k, so every write lands at or after
// the slot it reads from and no unread value is overwritten: no scratch buffer.
func (c *sparseChunk) Floats(dst []float64) []float64 {
	dst = grow(dst, c.n)
	m := len(c.idx)
	c.vals.Floats(dst[:m])
	fill := c.fill()
	end := c.n
	for k := m - 1; k >= 0; k-- {
		row := int(c.idx[k])
		v := dst[k]
		gap := dst[row+1 : end]
		for j := range gap {
			gap[j] = fill
		}
		dst[row] = v
		end = row
	}
	gap := dst[:end]
	for j := range gap {
		gap[j] = fill
	}
	return dst
}
