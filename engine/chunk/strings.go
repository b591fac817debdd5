package chunk

import (
	"fmt"
	"math"
	"strings"
)

// strChunk keeps all text in one string so String(i) is a substring: no
// allocation per call, and one object for the garbage collector per chunk.
type strChunk struct {
	off  []uint32 // len n+1; row i is data[off[i]:off[i+1]]
	data string
	na   []uint64 // NA bitmap, nil when no row is NA
}

// EncodeStrings stores vals; na marks missing rows and may be nil (none
// missing), otherwise it must have len(vals) entries. The text of an NA row
// is dropped. It panics when the rows exceed MaxRows or their text 4 GiB,
// limits a parse chunk never approaches.
func EncodeStrings(vals []string, na []bool) Chunk {
	n := len(vals)
	if na != nil && len(na) != n {
		panic(fmt.Sprintf("chunk: EncodeStrings with %d values but %d NA flags", n, len(na)))
	}
	if n > MaxRows {
		panic(fmt.Sprintf("chunk: EncodeStrings of %d rows exceeds MaxRows (%d)", n, MaxRows))
	}
	total := 0
	for i, s := range vals {
		if na == nil || !na[i] {
			total += len(s)
		}
	}
	if total > math.MaxUint32 {
		panic(fmt.Sprintf("chunk: EncodeStrings of %d bytes exceeds 4 GiB", total))
	}
	c := &strChunk{off: make([]uint32, n+1)}
	var sb strings.Builder
	sb.Grow(total)
	for i, s := range vals {
		if na != nil && na[i] {
			if c.na == nil {
				c.na = make([]uint64, bitWords(n))
			}
			c.na[i>>6] |= 1 << (uint(i) & 63)
		} else {
			sb.WriteString(s)
		}
		c.off[i+1] = uint32(sb.Len())
	}
	c.data = sb.String()
	return c
}

func (c *strChunk) Len() int           { return len(c.off) - 1 }
func (c *strChunk) Encoding() Encoding { return Str }

func (c *strChunk) MemBytes() int {
	return hdrBytes + 4*len(c.off) + len(c.data) + 8*len(c.na)
}

func (c *strChunk) IsNA(i int) bool {
	checkRow(i, c.Len())
	return c.na != nil && c.na[i>>6]>>(uint(i)&63)&1 != 0
}

func (c *strChunk) String(i int) (string, bool) {
	if c.IsNA(i) {
		return "", false
	}
	return c.data[c.off[i]:c.off[i+1]], true
}

func (c *strChunk) Float(i int) float64 {
	checkRow(i, c.Len())
	return NA
}

func (c *strChunk) Floats(dst []float64) []float64 {
	dst = grow(dst, c.Len())
	for i := range dst {
		dst[i] = NA
	}
	return dst
}
