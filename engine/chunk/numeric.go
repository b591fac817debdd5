package chunk

import (
	"math"
	"math/bits"
)

// numeric supplies the String method every numeric chunk shares.
type numeric struct{}

func (numeric) String(int) (string, bool) { return "", false }

// constChunk: every row has the same bits; NaN bits mean every row is NA.
type constChunk struct {
	numeric
	n    int
	bits uint64
}

func (c *constChunk) Len() int           { return c.n }
func (c *constChunk) Encoding() Encoding { return Const }
func (c *constChunk) MemBytes() int      { return hdrBytes }

func (c *constChunk) IsNA(i int) bool {
	checkRow(i, c.n)
	v := math.Float64frombits(c.bits)
	return v != v
}

func (c *constChunk) Float(i int) float64 {
	checkRow(i, c.n)
	return math.Float64frombits(c.bits)
}

func (c *constChunk) Floats(dst []float64) []float64 {
	dst = grow(dst, c.n)
	v := math.Float64frombits(c.bits)
	for i := range dst {
		dst[i] = v
	}
	return dst
}

// checkRow gives chunks without a per-row slice the same out-of-range panic
// a slice index would.
func checkRow(i, n int) {
	if uint(i) >= uint(n) {
		panic("chunk: row index out of range")
	}
}

// bitChunk: one bit per row for the value, plus one per row for NA when any
// row is NA. A value bit under an NA bit is always 0.
type bitChunk struct {
	numeric
	n    int
	vals []uint64
	na   []uint64 // nil when no row is NA
}

func encodeBit(vals []float64, hasNA bool) *bitChunk {
	c := &bitChunk{n: len(vals), vals: make([]uint64, bitWords(len(vals)))}
	if hasNA {
		c.na = make([]uint64, len(c.vals))
	}
	for w := range c.vals {
		base := w * 64
		row := vals[base:min(base+64, len(vals))]
		// 0 and 1 arrive in random order, so the loop avoids branches on
		// the value: a mispredict per row would cost more than the work.
		// Bit 52 is the low exponent bit: set for 1.0, clear for +0.0, and
		// set for NaN, which the mask below clears.
		var word, na uint64
		for j, v := range row {
			word |= (math.Float64bits(v) >> 52 & 1) << uint(j)
			na |= b2u(v != v) << uint(j)
		}
		c.vals[w] = word &^ na
		if hasNA {
			c.na[w] = na
		}
	}
	return c
}

func (c *bitChunk) Len() int           { return c.n }
func (c *bitChunk) Encoding() Encoding { return Bit }
func (c *bitChunk) MemBytes() int      { return hdrBytes + 8*(len(c.vals)+len(c.na)) }

func (c *bitChunk) IsNA(i int) bool {
	checkRow(i, c.n)
	return c.na != nil && c.na[i>>6]>>(uint(i)&63)&1 != 0
}

func (c *bitChunk) Float(i int) float64 {
	if c.IsNA(i) {
		return NA
	}
	return float64(c.vals[i>>6] >> (uint(i) & 63) & 1)
}

func (c *bitChunk) Floats(dst []float64) []float64 {
	dst = grow(dst, c.n)
	for w, word := range c.vals {
		base := w * 64
		out := dst[base:min(base+64, c.n)]
		for j := range out {
			out[j] = float64(word >> uint(j) & 1)
		}
	}
	// NA is rare in practice, so patch it afterwards rather than test every row.
	for w, word := range c.na {
		for word != 0 {
			dst[w*64+bits.TrailingZeros64(word)] = NA
			word &= word - 1
		}
	}
	return dst
}

// float32Chunk: NA is a float32 NaN.
type float32Chunk struct {
	numeric
	data []float32
}

func encodeFloat32(vals []float64) *float32Chunk {
	data := make([]float32, len(vals))
	for i, v := range vals {
		data[i] = float32(v)
	}
	return &float32Chunk{data: data}
}

func (c *float32Chunk) Len() int            { return len(c.data) }
func (c *float32Chunk) Encoding() Encoding  { return Float32 }
func (c *float32Chunk) MemBytes() int       { return hdrBytes + 4*len(c.data) }
func (c *float32Chunk) IsNA(i int) bool     { v := c.data[i]; return v != v }
func (c *float32Chunk) Float(i int) float64 { return float64(c.data[i]) }
func (c *float32Chunk) Floats(dst []float64) []float64 {
	dst = grow(dst, len(c.data))
	for i, v := range c.data {
		dst[i] = float64(v)
	}
	return dst
}

// float64Chunk: the fallback; NA is any NaN, kept with its payload.
type float64Chunk struct {
	numeric
	data []float64
}

func encodeFloat64(vals []float64) *float64Chunk {
	return &float64Chunk{data: append([]float64(nil), vals...)}
}

func (c *float64Chunk) Len() int            { return len(c.data) }
func (c *float64Chunk) Encoding() Encoding  { return Float64 }
func (c *float64Chunk) MemBytes() int       { return hdrBytes + 8*len(c.data) }
func (c *float64Chunk) IsNA(i int) bool     { v := c.data[i]; return v != v }
func (c *float64Chunk) Float(i int) float64 { return c.data[i] }
func (c *float64Chunk) Floats(dst []float64) []float64 {
	dst = grow(dst, len(c.data))
	copy(dst, c.data)
	return dst
}

func b2u(b bool) uint64 {
	var x uint64
	if b {
		x = 1
	}
	return x
}
