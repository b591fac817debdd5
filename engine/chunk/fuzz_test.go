package chunk

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"
)

// checkUnmarshalled is the property FuzzUnmarshal holds any input to: an
// error that wraps ErrCorrupt or ErrVersion, or a chunk that behaves and
// round-trips through Marshal.
func checkUnmarshalled(t *testing.T, b []byte) {
	t.Helper()
	c, err := Unmarshal(b)
	if err != nil {
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrVersion) {
			t.Fatalf("error %q wraps neither ErrCorrupt nor ErrVersion", err)
		}
		return
	}
	b2 := Marshal(c)
	c2, err := Unmarshal(b2)
	if err != nil {
		t.Fatalf("re-marshalled %v chunk rejected: %v", c.Encoding(), err)
	}
	if !Equal(c, c2) {
		t.Fatalf("%v chunk not Equal after re-marshal", c.Encoding())
	}
	if b3 := Marshal(c2); !bytes.Equal(b2, b3) {
		t.Fatalf("%v chunk: Marshal not stable across a round trip", c.Encoding())
	}
	if c.Len() > 1<<16 {
		return // Const and Sparse may claim many rows in few bytes
	}
	fs := c.Floats(nil)
	for i := range c.Len() {
		f := c.Float(i)
		if math.Float64bits(f) != math.Float64bits(fs[i]) && (f == f || fs[i] == fs[i]) {
			t.Fatalf("row %d: Float %v but Floats %v", i, f, fs[i])
		}
		if s, ok := c.String(i); c.Encoding() == Str {
			if ok == c.IsNA(i) || (!ok && s != "") {
				t.Fatalf("row %d: String = %q, %v but IsNA = %v", i, s, ok, c.IsNA(i))
			}
		} else if c.IsNA(i) != (f != f) {
			t.Fatalf("row %d: IsNA = %v but Float = %v", i, c.IsNA(i), f)
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, c := range samples() {
		f.Add(Marshal(c))
	}
	f.Add([]byte{})
	f.Add(hdr(Sparse, MaxRows, 0, 1, 5, 0, 0, 0, 1, byte(Const), 1, 0, 0, 0, 0, 0, 0, 0xF8, 0x7F))
	// Hostile Bits: widths at and past the limits, a straddling code in the
	// last word, all-ones codes with and without NA, the largest bias and
	// scale, padding bits, short words, and Bits nested in Sparse.
	ones := func(k int) []byte { return bytes.Repeat([]byte{0xFF}, 8*k) }
	bias := binary.AppendVarint(nil, maxBias)
	for _, body := range [][]byte{
		hdr(Bits, 5, append([]byte{0, 1, 0, 12}, ones(1)[:4]...)...),
		hdr(Bits, 5, append([]byte{0, 0, 0, 13}, ones(2)...)...),
		hdr(Bits, 2, append(append([]byte{9, 1}, bias...), append([]byte{32}, ones(1)...)...)...),
		hdr(Bits, 3, append(append([]byte{9, 0}, binary.AppendVarint(nil, -maxBias)...), append([]byte{31}, ones(2)...)...)...),
		hdr(Bits, 64, append([]byte{0, 1, 0, 1}, ones(1)...)...),
		hdr(Bits, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
		hdr(Bits, 1, 0, 0, 0, 33, 0, 0, 0, 0, 0, 0, 0, 0),
		hdr(Bits, MaxRows, 0, 0, 0, 32, 0),
		hdr(Bits, 0, 0, 0, 0, 7),
		hdr(Sparse, 9, append([]byte{1, 2, 3, 0, 0, 0, 8, 0, 0, 0}, hdr(Bits, 2, append([]byte{2, 1, 5, 3}, ones(1)...)...)...)...),
	} {
		f.Add(body)
	}
	f.Fuzz(checkUnmarshalled)
}

// palette holds the values most likely to trip an encoder: signed zeros,
// infinities, NaN payloads, 0/1, decimals and integer boundaries.
var palette = []float64{
	0, math.Copysign(0, -1), 1, math.NaN(), math.Inf(1), math.Inf(-1), 0.1, 0.25, 1e300, 5e-324,
	1 << 53, 1<<53 + 2, math.MaxInt32, math.MinInt32, -128, 127, 255, 1.7e12, 12.34, pointThree,
	math.Float64frombits(0x7FF4_0000_0000_0001), math.MaxFloat32, 3, 3, 0, 0, 0, 0,
}

// fuzzVals turns bytes into values. The first byte picks a shape so random
// bytes reach the integer, scaled, bit and sparse encoders, not only Float64.
func fuzzVals(b []byte) []float64 {
	if len(b) == 0 {
		return nil
	}
	mode, b := b[0], b[1:]
	var vals []float64
	switch mode % 4 {
	case 0: // raw float64 bits
		for ; len(b) >= 8; b = b[8:] {
			vals = append(vals, math.Float64frombits(binary.LittleEndian.Uint64(b)))
		}
	case 1: // small integers, 0x80 as NA
		for _, x := range b {
			v := float64(int8(x))
			if x == 0x80 {
				v = math.NaN()
			}
			vals = append(vals, v)
		}
	case 2: // 16-bit integers at a decimal scale taken from the mode byte
		scale := pow10[int(mode/4)%(maxScale+1)]
		for ; len(b) >= 2; b = b[2:] {
			vals = append(vals, float64(int16(binary.LittleEndian.Uint16(b)))/scale)
		}
	case 3: // palette values, repeated so sparse and const shapes appear
		for _, x := range b {
			for range 1 + int(x>>5) {
				vals = append(vals, palette[int(x&31)%len(palette)])
			}
		}
	}
	return vals
}

func FuzzEncodeNumeric(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F})
	f.Add([]byte{1, 1, 2, 3, 0x80, 0xFF})
	f.Add([]byte{2 + 4*2, 0x39, 0x30, 0xFF, 0xFF, 0, 0x80})
	f.Add([]byte{3, 0xE0, 0xE0, 0xE0, 2, 1, 0xE3})
	f.Add([]byte{3, 0, 1, 3, 4, 5, 6, 9, 19})
	// 12-bit range over 10 rows, so Bits beats Int16; then an 11-bit
	// negative range at scale 1.
	f.Add([]byte{2, 1, 0, 0x60, 0x09, 5, 0, 6, 0, 7, 0, 8, 0, 9, 0, 10, 0, 11, 0, 12, 0})
	f.Add([]byte{2 + 4*1, 0x18, 0xFC, 0xE8, 0x03, 7, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 8, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		vals := fuzzVals(b)
		checkNumeric(t, EncodeNumeric(vals), vals)
	})
}
