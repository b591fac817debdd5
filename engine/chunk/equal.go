package chunk

import (
	"bytes"
	"math"
)

// Equal reports whether a and b hold the same rows: same length, same NA
// rows, and for the rest the same float64 bits (so -0.0 ≠ +0.0) or the same
// strings. The encodings may differ. It is meant for tests and checks, not
// hot paths: it may allocate a decoded copy of both chunks.
func Equal(a, b Chunk) bool {
	n := a.Len()
	if n != b.Len() {
		return false
	}
	if (a.Encoding() == Str) != (b.Encoding() == Str) {
		return false
	}
	// Same-encoding chunks usually share bytes, which also spares decoding a
	// huge Const or Sparse chunk row by row.
	if a.Encoding() == b.Encoding() && bytes.Equal(Marshal(a), Marshal(b)) {
		return true
	}
	if a.Encoding() == Str {
		for i := range n {
			sa, oka := a.String(i)
			sb, okb := b.String(i)
			if oka != okb || sa != sb || a.IsNA(i) != b.IsNA(i) {
				return false
			}
		}
		return true
	}
	fa, fb := a.Floats(nil), b.Floats(nil)
	for i, x := range fa {
		y := fb[i]
		if x != x || y != y {
			if x == x || y == y {
				return false
			}
			continue
		}
		if math.Float64bits(x) != math.Float64bits(y) {
			return false
		}
	}
	return true
}
