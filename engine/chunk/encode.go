package chunk

import (
	"fmt"
	"math"
)

// MaxRows bounds the rows of one chunk. Parse cuts chunks of ~10k–1M rows, so
// the bound only matters for hostile wire input (Unmarshal rejects more) and
// keeps sparse row indices in a uint32.
const MaxRows = 1 << 28

// maxScale is the largest decimal scale tried: beyond 9 digits the scaled
// integer of a typical value no longer fits the exact float64 range.
const maxScale = 9

// maxExact is the largest magnitude of a stored integer. Beyond 2^53 an
// int64 no longer converts to float64 exactly.
const maxExact = 1 << 53

// pow10 holds exact powers of ten; the decode formula for a scaled chunk is
// float64(x+bias) / pow10[scale]. Division (not multiplication by 10^-s,
// which is inexact) makes the result the correctly rounded decimal, i.e. the
// very double a parser produced from the decimal text.
var pow10 = [maxScale + 1]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// maxScaled bounds the scaled value v*10^s that roundInt can round.
const maxScaled = 1 << 51

const (
	oneBits     = 0x3FF0000000000000 // math.Float64bits(1)
	negZeroBits = 1 << 63            // math.Float64bits(-0.0)
)

// hdrBytes is the fixed per-chunk overhead MemBytes charges: the struct,
// its slice headers and the interface word that points at it.
const hdrBytes = 64

// constant reports whether every non-NA value has the same bits. min == max
// cannot tell +0 from -0, so the zero counts settle that case.
func (st *numStats) constant() bool {
	if math.Float64bits(st.min) != math.Float64bits(st.max) {
		return false
	}
	nn := st.n - st.na
	return st.min != 0 || st.zeros == 0 || st.zeros == nn
}

// plan is a dense encoding decided from the stats, before it is built.
type plan struct {
	enc   Encoding
	bias  int64
	scale int
	width uint8 // code width of a Bits plan
	bytes int   // payload size, for comparing against sparse
}

// EncodeNumeric stores vals (NaN = NA) in the smallest encoding that gives
// every non-NA value back bit-exactly. vals is not retained. It panics if
// len(vals) > MaxRows, a caller bug like an index out of range.
func EncodeNumeric(vals []float64) Chunk {
	if len(vals) > MaxRows {
		panic(fmt.Sprintf("chunk: EncodeNumeric of %d rows exceeds MaxRows (%d)", len(vals), MaxRows))
	}
	return encode(vals, true)
}

func encode(vals []float64, allowSparse bool) Chunk {
	st := gather(vals)
	if c := st.constChunk(); c != nil {
		return c
	}
	p := choose(vals, &st)
	if allowSparse && st.n >= 16 {
		if sp := trySparse(vals, &st, p.bytes); sp != nil {
			return sp
		}
	}
	return build(vals, &st, p)
}

// constChunk is the Const chunk when the stats call for one (every row NA,
// or no NA and one value), else nil.
func (st *numStats) constChunk() *constChunk {
	if st.na == st.n {
		return &constChunk{n: st.n, bits: math.Float64bits(NA)}
	}
	if st.na == 0 && st.constant() {
		return &constChunk{n: st.n, bits: math.Float64bits(st.min)}
	}
	return nil
}

// choose picks the cheapest dense encoding. Ties go to the integer form:
// it keeps "this column is whole numbers" visible to readers of the chunk.
func choose(vals []float64, st *numStats) plan {
	if p, ok := intChoice(st); ok {
		return p
	}
	if float32Exact(vals) {
		return plan{enc: Float32, bytes: 4 * st.n}
	}
	if p, ok := intPlan(st); ok {
		return p
	}
	return plan{enc: Float64, bytes: 8 * st.n}
}

// intChoice is the part of choose decided by the stats alone: Bit, or an
// integer plan narrower than Int64 (which no float form can beat). Only
// when it fails does choose need the values, for the Float32 test.
func intChoice(st *numStats) (plan, bool) {
	if st.zeros+st.ones+st.na == st.n {
		b := bitWords(st.n) * 8
		if st.na > 0 {
			b *= 2
		}
		return plan{enc: Bit, bytes: b}, true
	}
	if p, ok := intPlan(st); ok && p.enc != Int64 {
		return p, true
	}
	return plan{}, false
}

var intWidths = [...]struct {
	enc  Encoding
	bits uint
}{{Int8, 8}, {Int16, 16}, {Int32, 32}, {Int64, 64}}

// intPlan fits the scaled range into the narrowest width. The width's
// minimum is the NA sentinel, so it is usable as a value only without NA.
// A Bits plan replaces the byte-aligned one when its payload is strictly
// smaller (a 9..15-bit range, say); at exactly 8, 16 or 32 bits, or on so
// few rows that word rounding eats the saving, the Int form stays.
func intPlan(st *numStats) (plan, bool) {
	if !st.intOK {
		return plan{}, false
	}
	p := pow10[st.scale]
	lo, hi := float64(st.min*p), float64(st.max*p) // float64(): no fused multiply-add
	if !(lo >= -maxExact && hi <= maxExact) {
		return plan{}, false
	}
	minX, maxX := int64(lo), int64(hi)
	if st.scale != 0 {
		if !(lo > -maxScaled && hi < maxScaled) {
			return plan{}, false
		}
		minX, maxX = int64(roundInt(lo)), int64(roundInt(hi))
	}
	packed, packedOK := packedPlan(st, minX, maxX)
	for _, w := range intWidths {
		if w.enc == Int64 && st.scale != 0 {
			break // an 8-byte scaled int is no smaller than Float64 and slower
		}
		wlo, whi := int64(-1)<<(w.bits-1), int64(1)<<(w.bits-1)-1
		if w.bits == 64 {
			whi = math.MaxInt64
		}
		if st.na > 0 {
			wlo++
		}
		var p plan
		switch {
		case minX >= wlo && maxX <= whi:
			p = plan{enc: w.enc, scale: st.scale, bytes: st.n * int(w.bits/8)}
		case w.bits < 64 && uint64(maxX-minX) <= uint64(whi-wlo):
			p = plan{enc: w.enc, scale: st.scale, bias: minX - wlo, bytes: st.n * int(w.bits/8)}
		default:
			continue
		}
		if packedOK && packed.bytes < p.bytes {
			return packed, true
		}
		return p, true
	}
	return plan{}, false
}

// packedPlan is the Bits plan for the scaled range [minX, maxX]: codes are
// x - minX, plus the all-ones code for NA.
func packedPlan(st *numStats, minX, maxX int64) (plan, bool) {
	w := packedWidth(uint64(maxX-minX), st.na > 0)
	if w > maxPackedWidth {
		return plan{}, false
	}
	return plan{enc: Bits, scale: st.scale, bias: minX, width: uint8(w),
		bytes: 8 * packedWords(st.n, w)}, true
}

// build materialises a plan. A scaled plan can still fail verification (a
// value exact at a lower scale that is not at the final one); then the
// chunk falls back to the float encodings.
func build(vals []float64, st *numStats, p plan) Chunk {
	switch p.enc {
	case Bit:
		return encodeBit(vals, st.na > 0)
	case Int8:
		if c, ok := encodeInts[int8](vals, st, p); ok {
			return c
		}
	case Int16:
		if c, ok := encodeInts[int16](vals, st, p); ok {
			return c
		}
	case Int32:
		if c, ok := encodeInts[int32](vals, st, p); ok {
			return c
		}
	case Int64:
		if c, ok := encodeInts[int64](vals, st, p); ok {
			return c
		}
	case Bits:
		if c, ok := encodePacked(vals, st, p); ok {
			return c
		}
	case Float32:
		return encodeFloat32(vals)
	case Float64:
		return encodeFloat64(vals)
	}
	if float32Exact(vals) {
		return encodeFloat32(vals)
	}
	return encodeFloat64(vals)
}

// float32Exact: NaN converts to NaN, which is still NA, so it never blocks.
func float32Exact(vals []float64) bool {
	for _, v := range vals {
		if float64(float32(v)) != v && v == v {
			return false
		}
	}
	return true
}

func grow(dst []float64, n int) []float64 {
	if cap(dst) < n {
		return make([]float64, n)
	}
	return dst[:n]
}

func bitWords(n int) int { return (n + 63) >> 6 }
