package chunk

import "math/bits"

// maxPackedWidth is the widest Bits code. Wider ranges need 33+ bits, where
// Int64 (or a float) is the only choice left anyway.
const maxPackedWidth = 32

// packedChunk is the Bits encoding: row i is the w-bit code x at bit
// positions [i·w, i·w+w) of one little-endian bit stream, held in 64-bit
// words (stream bit j is bit j&63 of words[j>>6]). A code may straddle two
// words: that wastes no bits, unlike ⌊64/w⌋ codes per word (9 bits: 7 per
// word, 12 bits: 5 per word, 6% lost). Bits past row n are zero, so equal
// chunks have equal bytes.
//
// The value of a code is float64(x+bias) / 10^scale, the intChunk formula.
// When hasNA, the all-ones code (1<<w - 1) is NA and values use 0..2^w-2.
type packedChunk struct {
	numeric
	n     int
	words []uint64 // ⌈n·w/64⌉
	bias  int64
	width uint8 // w, 1..maxPackedWidth
	scale uint8
	hasNA bool
}

// packedWords is the word count for n codes of w bits. Bit positions are
// uint64 throughout: MaxRows·32 bits overflow a 32-bit int.
func packedWords(n int, w uint) int { return int((uint64(n)*uint64(w) + 63) >> 6) }

// packedWidth is the code width for a scaled range r = max-min: r+1 codes,
// one more for NA.
func packedWidth(r uint64, hasNA bool) uint {
	if hasNA {
		r++
	}
	return uint(max(bits.Len64(r), 1))
}

// encodePacked is the second pass for Bits, with encodeInts's exactness
// logic: rows before the scale last grew are re-checked at the final scale
// (here in a pass of their own, so the packing loop stays one tight loop).
// Codes go through a register accumulator that is flushed once per 64
// bits; the flush pattern repeats every 64 rows and predicts well.
func encodePacked(vals []float64, st *numStats, p plan) (*packedChunk, bool) {
	c := newPackedChunk(len(vals), st, p)
	w := uint(p.width)
	mask := uint64(1)<<w - 1
	na, bias, words := mask, p.bias, c.words // NaN occurs only when hasNA
	var acc uint64
	nb, k := uint(0), 0 // bits held in acc; next word to write
	if p.scale == 0 {
		for _, v := range vals {
			x := uint64(int64(v)-bias) & mask // NaN converts to some value; replaced below
			if v != v {
				x = na
			}
			acc, nb, k = put(words, acc, nb, k, x, w)
		}
	} else {
		for _, v := range vals[:min(st.lastChange, len(vals))] {
			if v == v && !exactAt(v, p.scale) {
				return nil, false
			}
		}
		scale := pow10[p.scale]
		for _, v := range vals {
			x := uint64(int64(roundInt(float64(v*scale)))-bias) & mask
			if v != v {
				x = na
			}
			acc, nb, k = put(words, acc, nb, k, x, w)
		}
	}
	if nb > 0 {
		words[k] = acc
	}
	return c, true
}

// newPackedChunk allocates the n-row chunk of Bits plan p, all codes zero,
// for the encode passes (encodePacked, encodePackedCodes) to fill.
func newPackedChunk(n int, st *numStats, p plan) *packedChunk {
	return &packedChunk{
		n:     n,
		words: make([]uint64, packedWords(n, uint(p.width))),
		bias:  p.bias,
		width: p.width,
		scale: uint8(p.scale),
		hasNA: st.na > 0,
	}
}

// put appends the w-bit code x to the stream: acc holds nb pending bits,
// words[k] is the next word to write. It returns the new acc, nb and k.
// It is small enough to inline, and the state travels in arguments and
// results (no pointer), so the packing loops keep it in registers. After
// the last code, a caller with nb > 0 stores acc to words[k].
func put(words []uint64, acc uint64, nb uint, k int, x uint64, w uint) (uint64, uint, int) {
	acc |= x << (nb & 63)
	nb += w
	if nb >= 64 {
		words[k] = acc
		k++
		nb -= 64
		acc = x >> ((w - nb) & 63) // the code's bits that did not fit; 0 when nb == 0
	}
	return acc, nb, k
}

func (c *packedChunk) Len() int           { return c.n }
func (c *packedChunk) Encoding() Encoding { return Bits }
func (c *packedChunk) MemBytes() int      { return hdrBytes + 8*len(c.words) }

// code returns row i's code; i must be in range.
func (c *packedChunk) code(i int) uint64 {
	w := uint64(c.width)
	pos := uint64(i) * w
	k, off := pos>>6, pos&63
	x := c.words[k] >> off
	if off+w > 64 {
		x |= c.words[k+1] << (64 - off)
	}
	return x & (uint64(1)<<w - 1)
}

func (c *packedChunk) IsNA(i int) bool {
	checkRow(i, c.n)
	return c.hasNA && c.code(i) == uint64(1)<<c.width-1
}

func (c *packedChunk) Float(i int) float64 {
	checkRow(i, c.n)
	x := c.code(i)
	if c.hasNA && x == uint64(1)<<c.width-1 {
		return NA
	}
	v := float64(int64(x) + c.bias)
	if c.scale != 0 {
		v /= pow10[c.scale]
	}
	return v
}

// twoWordRows is how many leading rows may read the word after their first
// one unconditionally: those that start before the last word.
func (c *packedChunk) twoWordRows() int {
	if len(c.words) < 2 {
		return 0
	}
	w := int(c.width)
	return min(c.n, ((len(c.words)-1)*64+w-1)/w)
}

// Floats reads each code as two shifted words ORed together, with no branch
// on the straddle: for off == 0 the second shift is by 64 and yields 0.
// As in intChunk there is one loop per (NA, scale) case; the rows in the
// last word, which have no next word to read, go through Float.
func (c *packedChunk) Floats(dst []float64) []float64 {
	dst = grow(dst, c.n)
	fast := c.twoWordRows()
	words, w, bias := c.words, uint64(c.width), c.bias
	mask := uint64(1)<<w - 1
	out := dst[:fast]
	pos := uint64(0)
	switch {
	case !c.hasNA && c.scale == 0:
		for i := range out {
			k, off := pos>>6, pos&63
			x := (words[k]>>off | words[k+1]<<1<<(63-off)) & mask
			out[i] = float64(int64(x) + bias)
			pos += w
		}
	case !c.hasNA:
		p := pow10[c.scale]
		for i := range out {
			k, off := pos>>6, pos&63
			x := (words[k]>>off | words[k+1]<<1<<(63-off)) & mask
			out[i] = float64(int64(x)+bias) / p
			pos += w
		}
	case c.scale == 0:
		for i := range out {
			k, off := pos>>6, pos&63
			x := (words[k]>>off | words[k+1]<<1<<(63-off)) & mask
			v := float64(int64(x) + bias)
			if x == mask {
				v = NA
			}
			out[i] = v
			pos += w
		}
	default:
		p := pow10[c.scale]
		for i := range out {
			k, off := pos>>6, pos&63
			x := (words[k]>>off | words[k+1]<<1<<(63-off)) & mask
			v := float64(int64(x)+bias) / p
			if x == mask {
				v = NA
			}
			out[i] = v
			pos += w
		}
	}
	for i := fast; i < c.n; i++ {
		dst[i] = c.Float(i)
	}
	return dst
}
