package chunk

import (
	"encoding/binary"
	"fmt"
	"math"
)

// maxBias bounds an integer chunk's bias: the encoder never needs more than
// 2^53 plus a width, and a bound keeps x+bias far from int64 overflow.
const maxBias = 1 << 54

// Unmarshal decodes the output of Marshal. Every length is checked against
// the bytes actually present before anything is allocated, so hostile input
// costs at most a small multiple of len(b) in memory and never panics.
func Unmarshal(b []byte) (Chunk, error) {
	r := &reader{b: b}
	c, err := r.chunk(false)
	if err != nil {
		return nil, err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes after the chunk", ErrCorrupt, len(r.b))
	}
	return c, nil
}

type reader struct{ b []byte }

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}

func (r *reader) take(n int, what string) ([]byte, error) {
	if n < 0 || n > len(r.b) {
		return nil, corrupt("%s needs %d bytes, %d left", what, n, len(r.b))
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p, nil
}

func (r *reader) byte1(what string) (byte, error) {
	p, err := r.take(1, what)
	if err != nil {
		return 0, err
	}
	return p[0], nil
}

func (r *reader) uvarint(what string) (uint64, error) {
	v, k := binary.Uvarint(r.b)
	if k <= 0 {
		return 0, corrupt("bad varint for %s", what)
	}
	r.b = r.b[k:]
	return v, nil
}

func (r *reader) flags(what string) (bool, error) {
	f, err := r.byte1(what + " flags")
	if err != nil {
		return false, err
	}
	if f&^flagNA != 0 {
		return false, corrupt("%s flags %#x has unknown bits", what, f)
	}
	return f == flagNA, nil
}

// words reads a bitmap for n rows; bits past row n must be zero so that two
// equal chunks always have equal bytes.
func (r *reader) words(n int, what string) ([]uint64, error) {
	nw := bitWords(n)
	p, err := r.take(8*nw, what)
	if err != nil {
		return nil, err
	}
	w := make([]uint64, nw)
	for i := range w {
		w[i] = binary.LittleEndian.Uint64(p[8*i:])
	}
	if tail := uint(n) & 63; tail != 0 && w[nw-1]>>tail != 0 {
		return nil, corrupt("%s has bits set past row %d", what, n)
	}
	return w, nil
}

// chunk reads one chunk; nested is true inside a sparse chunk, where only
// dense numeric encodings may appear (which also bounds the recursion).
func (r *reader) chunk(nested bool) (Chunk, error) {
	v, err := r.byte1("version")
	if err != nil {
		return nil, err
	}
	if v != wireVersion {
		return nil, fmt.Errorf("%w %d (this build reads %d)", ErrVersion, v, wireVersion)
	}
	e, err := r.byte1("encoding")
	if err != nil {
		return nil, err
	}
	enc := Encoding(e)
	n64, err := r.uvarint("row count")
	if err != nil {
		return nil, err
	}
	if n64 > MaxRows {
		return nil, corrupt("%d rows exceeds MaxRows (%d)", n64, MaxRows)
	}
	n := int(n64)
	if nested && (enc == Sparse || enc == Str) {
		return nil, corrupt("encoding %d cannot hold a sparse chunk's values", enc)
	}
	switch enc {
	case Const:
		p, err := r.take(8, "const value")
		if err != nil {
			return nil, err
		}
		return &constChunk{n: n, bits: binary.LittleEndian.Uint64(p)}, nil
	case Bit:
		return r.bit(n)
	case Int8:
		return readInts[int8](r, n, 1, func(p []byte) int8 { return int8(p[0]) })
	case Int16:
		return readInts[int16](r, n, 2, func(p []byte) int16 { return int16(binary.LittleEndian.Uint16(p)) })
	case Int32:
		return readInts[int32](r, n, 4, func(p []byte) int32 { return int32(binary.LittleEndian.Uint32(p)) })
	case Int64:
		return readInts[int64](r, n, 8, func(p []byte) int64 { return int64(binary.LittleEndian.Uint64(p)) })
	case Float32:
		p, err := r.take(4*n, "float32 values")
		if err != nil {
			return nil, err
		}
		data := make([]float32, n)
		for i := range data {
			data[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
		}
		return &float32Chunk{data: data}, nil
	case Float64:
		p, err := r.take(8*n, "float64 values")
		if err != nil {
			return nil, err
		}
		data := make([]float64, n)
		for i := range data {
			data[i] = math.Float64frombits(binary.LittleEndian.Uint64(p[8*i:]))
		}
		return &float64Chunk{data: data}, nil
	case Sparse:
		return r.sparse(n)
	case Str:
		return r.str(n)
	case Bits:
		return r.packed(n)
	}
	return nil, corrupt("unknown encoding %d", e)
}

func (r *reader) bit(n int) (Chunk, error) {
	hasNA, err := r.flags("bit")
	if err != nil {
		return nil, err
	}
	c := &bitChunk{n: n}
	if c.vals, err = r.words(n, "bit values"); err != nil {
		return nil, err
	}
	if hasNA {
		if c.na, err = r.words(n, "bit NA bitmap"); err != nil {
			return nil, err
		}
		for w, na := range c.na {
			if c.vals[w]&na != 0 {
				return nil, corrupt("bit chunk has a value set under NA in word %d", w)
			}
		}
	}
	return c, nil
}

// intHeader reads the scale, flags and bias the integer encodings share.
func (r *reader) intHeader() (scale uint8, hasNA bool, bias int64, err error) {
	if scale, err = r.byte1("int scale"); err != nil {
		return
	}
	if scale > maxScale {
		return 0, false, 0, corrupt("int scale %d exceeds %d", scale, maxScale)
	}
	if hasNA, err = r.flags("int"); err != nil {
		return
	}
	bias, k := binary.Varint(r.b)
	if k <= 0 {
		return 0, false, 0, corrupt("bad varint for int bias")
	}
	r.b = r.b[k:]
	if bias > maxBias || bias < -maxBias {
		return 0, false, 0, corrupt("int bias %d out of range", bias)
	}
	return scale, hasNA, bias, nil
}

func readInts[T integer](r *reader, n, width int, get func([]byte) T) (Chunk, error) {
	scale, hasNA, bias, err := r.intHeader()
	if err != nil {
		return nil, err
	}
	p, err := r.take(width*n, "int values")
	if err != nil {
		return nil, err
	}
	c := &intChunk[T]{data: make([]T, n), bias: bias, scale: scale, hasNA: hasNA,
		na: sentinel[T](), enc: encodingOf[T]()}
	for i := range c.data {
		c.data[i] = get(p[width*i:])
	}
	return c, nil
}

// packed reads a Bits chunk. Any code is a valid value (or NA), so only the
// width, the word count and the zero padding need checking.
func (r *reader) packed(n int) (Chunk, error) {
	scale, hasNA, bias, err := r.intHeader()
	if err != nil {
		return nil, err
	}
	w, err := r.byte1("bits width")
	if err != nil {
		return nil, err
	}
	if w < 1 || w > maxPackedWidth {
		return nil, corrupt("bits width %d not in 1..%d", w, maxPackedWidth)
	}
	nw := packedWords(n, uint(w))
	p, err := r.take(8*nw, "bits words")
	if err != nil {
		return nil, err
	}
	c := &packedChunk{n: n, words: make([]uint64, nw), bias: bias, width: w, scale: scale, hasNA: hasNA}
	for i := range c.words {
		c.words[i] = binary.LittleEndian.Uint64(p[8*i:])
	}
	if tail := uint64(n) * uint64(w) & 63; tail != 0 && c.words[nw-1]>>tail != 0 {
		return nil, corrupt("bits words have bits set past row %d", n)
	}
	return c, nil
}

func (r *reader) sparse(n int) (Chunk, error) {
	fillNA, err := r.flags("sparse")
	if err != nil {
		return nil, err
	}
	m64, err := r.uvarint("sparse count")
	if err != nil {
		return nil, err
	}
	if m64 > uint64(n) {
		return nil, corrupt("sparse chunk lists %d rows of %d", m64, n)
	}
	m := int(m64)
	p, err := r.take(4*m, "sparse row indices")
	if err != nil {
		return nil, err
	}
	idx := make([]uint32, m)
	for k := range idx {
		idx[k] = binary.LittleEndian.Uint32(p[4*k:])
		if int(idx[k]) >= n || (k > 0 && idx[k] <= idx[k-1]) {
			return nil, corrupt("sparse row index %d (entry %d) out of order or ≥ %d", idx[k], k, n)
		}
	}
	vals, err := r.chunk(true)
	if err != nil {
		return nil, fmt.Errorf("sparse values: %w", err)
	}
	if vals.Len() != m {
		return nil, corrupt("sparse chunk has %d indices but %d values", m, vals.Len())
	}
	return &sparseChunk{n: n, fillNA: fillNA, idx: idx, vals: vals}, nil
}

func (r *reader) str(n int) (Chunk, error) {
	hasNA, err := r.flags("string")
	if err != nil {
		return nil, err
	}
	c := &strChunk{off: make([]uint32, 0, min(n, len(r.b))+1)}
	if hasNA {
		if c.na, err = r.words(n, "string NA bitmap"); err != nil {
			return nil, err
		}
	}
	// Each length takes at least one byte, so the loop cannot outrun the
	// input, and the running total is checked against the bytes left.
	total := uint64(0)
	c.off = append(c.off, 0)
	for i := range n {
		l, err := r.uvarint("string length")
		if err != nil {
			return nil, err
		}
		total += l
		if l > uint64(len(r.b)) || total > uint64(len(r.b)) || total > math.MaxUint32 {
			return nil, corrupt("string row %d ends at byte %d, past the input", i, total)
		}
		if l != 0 && c.na != nil && c.na[i>>6]>>(uint(i)&63)&1 != 0 {
			return nil, corrupt("string row %d is NA but has %d bytes", i, l)
		}
		c.off = append(c.off, uint32(total))
	}
	p, err := r.take(int(total), "string bytes")
	if err != nil {
		return nil, err
	}
	c.data = string(p)
	return c, nil
}
