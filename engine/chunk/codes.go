package chunk

import (
	"fmt"
	"math"
)

// EncodeCodes stores categorical codes: row i is NA when codes[i] < 0 and
// otherwise the value remap[codes[i]], or codes[i] itself when remap is nil.
// The chunk is the one EncodeNumeric would build from those values as
// float64 (NA as NaN): same encoding, same bytes under Marshal. It gets
// there without the floats: one stats pass over the codes (NA, zero and one
// counts, min, max), then the integer encoders fill the chunk from the codes.
//
// Remapped values are meant to be category codes, i.e. non-negative; a
// negative one is still stored exactly, by way of EncodeNumeric. codes and
// remap are not retained. EncodeCodes panics, like an index out of range,
// if a code is past the end of remap or len(codes) > MaxRows.
func EncodeCodes(codes []int32, remap []int32) Chunk {
	if len(codes) > MaxRows {
		panic(fmt.Sprintf("chunk: EncodeCodes of %d rows exceeds MaxRows (%d)", len(codes), MaxRows))
	}
	return encodeCodes(codes, remap, true)
}

// encodeCodes is encode for codes. Every value is a non-negative int32, so
// intChoice always yields a plan (the range fits Int32 even with NA, and
// a Bits code in 32 bits), and no Float32 test is needed; a negative
// remapped value sends the codes down the float route instead.
func encodeCodes(codes, remap []int32, allowSparse bool) Chunk {
	st, ok := codeStats(codes, remap)
	if !ok {
		return encode(codeFloats(codes, remap), allowSparse)
	}
	if c := st.constChunk(); c != nil {
		return c
	}
	p, ok := intChoice(&st)
	if !ok || p.scale != 0 {
		return encode(codeFloats(codes, remap), allowSparse) // unreachable: see above
	}
	if allowSparse && st.n >= 16 {
		if sp := trySparseCodes(codes, remap, &st, p.bytes); sp != nil {
			return sp
		}
	}
	switch p.enc {
	case Bit:
		return encodeBitCodes(codes, remap, st.na > 0)
	case Int8:
		return encodeIntCodes[int8](codes, remap, &st, p)
	case Int16:
		return encodeIntCodes[int16](codes, remap, &st, p)
	case Int32:
		return encodeIntCodes[int32](codes, remap, &st, p)
	case Bits:
		return encodePackedCodes(codes, remap, &st, p)
	}
	return encode(codeFloats(codes, remap), allowSparse) // unreachable
}

// codeAt is row value c through remap: -1 for NA (c < 0), else remap[c],
// or c itself when remap is nil. Callers hoist the remap == nil test out of
// their loops where it pays; inside one it is a perfectly predicted branch.
func codeAt(c int32, remap []int32) int32 {
	if c < 0 {
		return -1
	}
	if remap == nil {
		return c
	}
	return remap[c]
}

// codeStats is gather for codes, in one pass. ok is false when a remapped
// value is negative (then NA and values cannot share the int32 range).
//
// The scan keeps few counters, so they stay in registers: min runs over
// uint32(v), where NA (-1) is the largest value and never wins; max over
// int32(v), where NA is below every value; ones are not counted but derived,
// since only the all-in-{0,1} test (intChoice) reads them. A remapped
// negative value is the one case where c and v differ in sign.
func codeStats(codes, remap []int32) (st numStats, ok bool) {
	var na, zeros int
	var bad int32
	lo, hi := uint32(math.MaxUint32), int32(-1)
	if remap == nil {
		for _, v := range codes {
			na += int(b2u(v < 0))
			zeros += int(b2u(v == 0))
			lo = min(lo, uint32(v))
			hi = max(hi, v)
		}
	} else {
		for _, c := range codes {
			v := int32(-1)
			if c >= 0 {
				v = remap[c]
			}
			bad |= c ^ v
			na += int(b2u(v < 0))
			zeros += int(b2u(v == 0))
			lo = min(lo, uint32(v))
			hi = max(hi, v)
		}
	}
	st = numStats{n: len(codes), na: na, zeros: zeros, intOK: true,
		min: math.Inf(1), max: math.Inf(-1)}
	if na < len(codes) {
		st.min, st.max = float64(lo), float64(hi)
		if hi <= 1 {
			st.ones = len(codes) - na - zeros // every value is 0 or 1
		} // else: some value is neither, and ones stays an undercount
	}
	return st, bad >= 0
}

// codeFloats is the float64 slice EncodeNumeric would be given: the slow
// route, for the inputs the integer route does not cover.
func codeFloats(codes, remap []int32) []float64 {
	vals := make([]float64, len(codes))
	for i, c := range codes {
		if c < 0 {
			vals[i] = NA
		} else {
			vals[i] = float64(codeAt(c, remap))
		}
	}
	return vals
}

// encodeBitCodes is encodeBit for values in {0, 1} and NA (-1, whose low
// bit the NA mask clears).
func encodeBitCodes(codes, remap []int32, hasNA bool) *bitChunk {
	c := &bitChunk{n: len(codes), vals: make([]uint64, bitWords(len(codes)))}
	if hasNA {
		c.na = make([]uint64, len(c.vals))
	}
	for w := range c.vals {
		base := w * 64
		row := codes[base:min(base+64, len(codes))]
		var word, na uint64
		for j, x := range row {
			v := codeAt(x, remap)
			word |= uint64(v&1) << uint(j)
			na |= b2u(v < 0) << uint(j)
		}
		c.vals[w] = word &^ na
		if hasNA {
			c.na[w] = na
		}
	}
	return c
}

// encodeIntCodes is encodeInts for codes (always scale 0).
func encodeIntCodes[T integer](codes, remap []int32, st *numStats, p plan) *intChunk[T] {
	c := newIntChunk[T](len(codes), st, p)
	na, bias, data := c.na, p.bias, c.data
	if remap == nil {
		for i, x := range codes {
			t := T(int64(x) - bias)
			if x < 0 {
				t = na
			}
			data[i] = t
		}
		return c
	}
	for i, x := range codes {
		t := na
		if x >= 0 {
			t = T(int64(remap[x]) - bias)
		}
		data[i] = t
	}
	return c
}

// encodePackedCodes is encodePacked for codes (always scale 0).
func encodePackedCodes(codes, remap []int32, st *numStats, p plan) *packedChunk {
	c := newPackedChunk(len(codes), st, p)
	w := uint(p.width)
	mask := uint64(1)<<w - 1
	na, bias, words := mask, p.bias, c.words
	var acc uint64
	nb, k := uint(0), 0
	if remap == nil {
		for _, v := range codes {
			x := uint64(int64(v)-bias) & mask
			if v < 0 {
				x = na
			}
			acc, nb, k = put(words, acc, nb, k, x, w)
		}
	} else {
		for _, v := range codes {
			x := na
			if v >= 0 {
				x = uint64(int64(remap[v])-bias) & mask
			}
			acc, nb, k = put(words, acc, nb, k, x, w)
		}
	}
	if nb > 0 {
		words[k] = acc
	}
	return c
}

// trySparseCodes is trySparse for codes. The stored values go to the nested
// chunk already remapped, with -1 for NA.
func trySparseCodes(codes, remap []int32, st *numStats, denseBytes int) *sparseChunk {
	fillNA, m, ok := sparseFill(st, denseBytes)
	if !ok {
		return nil
	}
	fill := int32(0)
	if fillNA {
		fill = -1
	}
	idx := make([]uint32, 0, m)
	rest := make([]int32, 0, m)
	for i, c := range codes {
		if v := codeAt(c, remap); v != fill {
			idx = append(idx, uint32(i))
			rest = append(rest, v)
		}
	}
	return keepSparse(&sparseChunk{n: st.n, fillNA: fillNA, idx: idx, vals: encodeCodes(rest, nil, false)}, denseBytes)
}
