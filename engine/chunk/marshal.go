package chunk

import (
	"encoding/binary"
	"errors"
	"math"
)

// Wire format, version 1. All fixed-width numbers are little-endian.
//
//	byte     version (1)
//	byte     Encoding
//	uvarint  rows n (≤ MaxRows)
//	body, by encoding:
//	  Const    u64 value bits (NaN: every row NA)
//	  Bit      byte flags (1 = has NA); ⌈n/64⌉ u64 value words; as many NA words if flagged
//	  Int8..64 byte scale; byte flags (1 = has NA); varint bias; n ints of the width
//	  Float32  n u32 bits;  Float64  n u64 bits
//	  Sparse   byte flags (1 = fill NA, else +0.0); uvarint m; m u32 rows, increasing;
//	           a nested chunk of m rows in this same format (dense numeric only)
//	  Str      byte flags (1 = has NA); NA words if flagged; n uvarint lengths; the bytes
//	  Bits     byte scale; byte flags (1 = has NA); varint bias; byte width w (1..32);
//	           ⌈n·w/64⌉ u64 words of the packed bit stream: row i's code x is stream
//	           bits [i·w, i·w+w), stream bit j is bit j&63 of word j>>6 (so a code
//	           may straddle two words); bits past row n are zero; with NA the
//	           all-ones code is NA; value = (x + bias) / 10^scale
//
// A chunk is sent once per node hop, so the form is close to memory layout
// rather than compressed further: encoding and decoding are copies.
const wireVersion = 1

// ErrCorrupt is wrapped by every Unmarshal error about malformed input.
var ErrCorrupt = errors.New("chunk: corrupt encoding")

// ErrVersion is wrapped when the input is from a format version this build
// does not read (a node on a different mlctl release).
var ErrVersion = errors.New("chunk: unsupported format version")

const flagNA = 1

// Marshal returns the wire form of c. A Chunk implemented outside this
// package is re-encoded first (EncodeNumeric or EncodeStrings).
func Marshal(c Chunk) []byte {
	return appendChunk(make([]byte, 0, 16+c.MemBytes()), c)
}

func appendChunk(b []byte, c Chunk) []byte {
	if !native(c) {
		c = reencode(c)
	}
	b = append(b, wireVersion, byte(c.Encoding()))
	b = binary.AppendUvarint(b, uint64(c.Len()))
	switch c := c.(type) {
	case *constChunk:
		b = binary.LittleEndian.AppendUint64(b, c.bits)
	case *bitChunk:
		b = append(b, naFlag(c.na != nil))
		b = appendWords(b, c.vals)
		b = appendWords(b, c.na)
	case *intChunk[int8]:
		b = appendIntHeader(b, c.scale, c.hasNA, c.bias)
		for _, x := range c.data {
			b = append(b, byte(x))
		}
	case *intChunk[int16]:
		b = appendIntHeader(b, c.scale, c.hasNA, c.bias)
		for _, x := range c.data {
			b = binary.LittleEndian.AppendUint16(b, uint16(x))
		}
	case *intChunk[int32]:
		b = appendIntHeader(b, c.scale, c.hasNA, c.bias)
		for _, x := range c.data {
			b = binary.LittleEndian.AppendUint32(b, uint32(x))
		}
	case *intChunk[int64]:
		b = appendIntHeader(b, c.scale, c.hasNA, c.bias)
		for _, x := range c.data {
			b = binary.LittleEndian.AppendUint64(b, uint64(x))
		}
	case *float32Chunk:
		for _, x := range c.data {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
	case *float64Chunk:
		for _, x := range c.data {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
	case *sparseChunk:
		b = append(b, naFlag(c.fillNA))
		b = binary.AppendUvarint(b, uint64(len(c.idx)))
		for _, i := range c.idx {
			b = binary.LittleEndian.AppendUint32(b, i)
		}
		b = appendChunk(b, c.vals)
	case *packedChunk:
		b = appendIntHeader(b, c.scale, c.hasNA, c.bias)
		b = append(b, c.width)
		b = appendWords(b, c.words)
	case *strChunk:
		b = append(b, naFlag(c.na != nil))
		b = appendWords(b, c.na)
		for i := range c.Len() {
			b = binary.AppendUvarint(b, uint64(c.off[i+1]-c.off[i]))
		}
		b = append(b, c.data...)
	}
	return b
}

func native(c Chunk) bool {
	switch c.(type) {
	case *constChunk, *bitChunk, *intChunk[int8], *intChunk[int16], *intChunk[int32],
		*intChunk[int64], *float32Chunk, *float64Chunk, *sparseChunk, *strChunk, *packedChunk:
		return true
	}
	return false
}

// reencode turns a foreign Chunk into one of ours.
func reencode(c Chunk) Chunk {
	n := c.Len()
	if c.Encoding() != Str {
		return EncodeNumeric(c.Floats(nil))
	}
	vals, na := make([]string, n), make([]bool, n)
	for i := range n {
		vals[i], _ = c.String(i)
		na[i] = c.IsNA(i)
	}
	return EncodeStrings(vals, na)
}

func naFlag(on bool) byte {
	if on {
		return flagNA
	}
	return 0
}

func appendWords(b []byte, w []uint64) []byte {
	for _, x := range w {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return b
}

func appendIntHeader(b []byte, scale uint8, hasNA bool, bias int64) []byte {
	b = append(b, scale, naFlag(hasNA))
	return binary.AppendVarint(b, bias)
}
