package chunk

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// codesAsFloats is the reference input: what a caller would hand
// EncodeNumeric for the same rows.
func codesAsFloats(codes, remap []int32) []float64 {
	vals := make([]float64, len(codes))
	for i, c := range codes {
		switch {
		case c < 0:
			vals[i] = math.NaN()
		case remap == nil:
			vals[i] = float64(c)
		default:
			vals[i] = float64(remap[c])
		}
	}
	return vals
}

// checkCodes holds EncodeCodes to EncodeNumeric of the equivalent floats:
// same encoding, same wire bytes, Equal both ways, and every access path
// right against the floats.
func checkCodes(t testing.TB, codes, remap []int32) Chunk {
	t.Helper()
	vals := codesAsFloats(codes, remap)
	got, want := EncodeCodes(codes, remap), EncodeNumeric(vals)
	if got.Encoding() != want.Encoding() {
		t.Fatalf("EncodeCodes gave %v, EncodeNumeric %v", got.Encoding(), want.Encoding())
	}
	if !bytes.Equal(Marshal(got), Marshal(want)) {
		t.Fatalf("%v chunk: Marshal differs from EncodeNumeric's", got.Encoding())
	}
	if got.MemBytes() != want.MemBytes() {
		t.Fatalf("%v chunk: MemBytes %d, EncodeNumeric's %d", got.Encoding(), got.MemBytes(), want.MemBytes())
	}
	if !Equal(got, want) || !Equal(want, got) {
		t.Fatalf("%v chunk: not Equal to EncodeNumeric's", got.Encoding())
	}
	checkNumeric(t, got, vals)
	return got
}

// randCodes draws n codes below card, each NA (a random negative code)
// with probability naRate, and optionally a remap: a random injection of
// the local codes into a global domain of twice the size, as the import
// builds from the union of the nodes' domains.
func randCodes(r *rand.Rand, n, card int, naRate float64, withRemap bool) (codes, remap []int32) {
	codes = make([]int32, n)
	for i := range codes {
		if r.Float64() < naRate {
			codes[i] = -1 - r.Int32N(3) // any negative code is NA
		} else {
			codes[i] = r.Int32N(int32(card))
		}
	}
	if withRemap {
		perm := r.Perm(2 * card)
		remap = make([]int32, card)
		for i := range remap {
			remap[i] = int32(perm[i])
		}
	}
	return codes, remap
}

func TestEncodeCodesMatchesEncodeNumeric(t *testing.T) {
	cards := []int{1, 2, 3, 7, 300, 70000}
	lens := []int{0, 1, 2, 63, 64, 65, 1000, 65537}
	rates := []struct {
		name string
		rate float64
	}{{"noNA", 0}, {"someNA", 0.03}, {"allNA", 1}}
	seen := map[Encoding]bool{}
	for _, card := range cards {
		for _, n := range lens {
			for _, na := range rates {
				for _, withRemap := range []bool{false, true} {
					name := fmt.Sprintf("card=%d/n=%d/%s/remap=%v", card, n, na.name, withRemap)
					t.Run(name, func(t *testing.T) {
						r := rand.New(rand.NewPCG(uint64(card), uint64(n)))
						codes, remap := randCodes(r, n, card, na.rate, withRemap)
						seen[checkCodes(t, codes, remap).Encoding()] = true
					})
				}
			}
		}
	}
	for _, e := range []Encoding{Const, Bit, Bits, Int8, Int16} {
		if !seen[e] {
			t.Errorf("no case produced %v", e)
		}
	}
}

// Shapes the random cases reach rarely or never: sparse with either fill,
// byte-aligned widths (Int8, Int16, Int32 at the full range with NA, biased),
// Bits beating Int at 9..15 bits, the full non-negative int32 range, a
// constant nonzero value, -1 and other negative codes as NA, and a remapped
// negative value (which must still come out exactly).
func TestEncodeCodesShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	rep := func(n int, f func(i int) int32) []int32 {
		c := make([]int32, n)
		for i := range c {
			c[i] = f(i)
		}
		return c
	}
	cases := []struct {
		name         string
		codes, remap []int32
		want         Encoding // 0: not checked
	}{
		{"sparse-zero", rep(5000, func(int) int32 {
			if r.IntN(100) < 96 {
				return 0
			}
			return r.Int32N(300)
		}), nil, Sparse},
		{"sparse-zero-remap-na", rep(5000, func(int) int32 {
			switch r.IntN(100) {
			case 0:
				return -1
			case 1, 2:
				return 1 + r.Int32N(20)
			}
			return 0
		}), rep(21, func(i int) int32 { return int32(i * 7 % 21) }), Sparse},
		{"sparse-na", rep(5000, func(int) int32 {
			if r.IntN(100) < 95 {
				return -1
			}
			return r.Int32N(1000)
		}), nil, Sparse},
		{"sparse-na-bits-nested", rep(5000, func(int) int32 {
			if r.IntN(100) < 98 {
				return math.MinInt32
			}
			return 1 + r.Int32N(3)
		}), nil, Sparse},
		{"int8-256", rep(3000, func(int) int32 { return r.Int32N(256) }), nil, Int8},
		{"int8-biased", rep(3000, func(int) int32 { return 1000 + r.Int32N(255) }), nil, Int8},
		{"bits9-na", rep(3000, func(int) int32 {
			if r.IntN(50) == 0 {
				return -1
			}
			return r.Int32N(400)
		}), nil, Bits},
		{"int16", rep(3000, func(int) int32 { return r.Int32N(65535) }), nil, Int16},
		{"bits31", rep(3000, func(int) int32 { return r.Int32N(math.MaxInt32) }), nil, Bits},
		{"int32-full-na", rep(3000, func(i int) int32 {
			switch i {
			case 0:
				return 0
			case 1:
				return math.MaxInt32
			case 2:
				return -1
			}
			return r.Int32N(math.MaxInt32)
		}), nil, Int32},
		{"bits31-biased", rep(3000, func(int) int32 { return 1<<30 + r.Int32N(1<<30) }), nil, Bits},
		{"const-7", rep(100, func(int) int32 { return 7 }), nil, Const},
		{"const-remapped", rep(100, func(i int) int32 { return int32(i % 3) }), []int32{9, 9, 9}, Const},
		{"bit-remapped", rep(100, func(i int) int32 { return int32(i % 5) }), []int32{1, 0, 1, 0, 0}, Bit},
		{"bit-na", rep(200, func(i int) int32 { return int32(i%3) - 1 }), nil, Bit},
		{"one-and-na", rep(200, func(i int) int32 { return int32(i%2)*2 - 1 }), nil, Bit},
		{"seven-and-na", rep(200, func(i int) int32 { return int32(i%2)*8 - 1 }), nil, Bits},
		{"negative-remap", rep(100, func(i int) int32 { return int32(i%4) - 1 }), []int32{-5, 0, 7}, 0},
		{"minus-one-remap", rep(100, func(i int) int32 { return int32(i%4) - 1 }), []int32{-1, 2, 3}, 0},
		{"minint-remap", rep(3000, func(i int) int32 { return int32(i % 2) }), []int32{math.MinInt32, math.MaxInt32}, 0},
		{"empty-remap-all-na", rep(70, func(int) int32 { return -1 }), []int32{}, Const},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := checkCodes(t, tc.codes, tc.remap)
			if tc.want != 0 && c.Encoding() != tc.want {
				t.Fatalf("encoding %v, want %v", c.Encoding(), tc.want)
			}
		})
	}
}

func TestEncodeCodesPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a code past the end of remap")
		}
	}()
	EncodeCodes([]int32{0, 3}, []int32{1, 2})
}

// fuzzCodes turns bytes into codes and a remap. The first byte picks the
// code width (so cardinalities from 2 to 2^31 appear), whether there is a
// remap and of what kind; NA is any negative code.
func fuzzCodes(b []byte) (codes, remap []int32) {
	if len(b) == 0 {
		return nil, nil
	}
	mode, b := b[0], b[1:]
	switch mode & 3 {
	case 0: // one byte per code: 0..126, NA for 0x80..0xFF
		for _, x := range b {
			codes = append(codes, int32(int8(x)))
		}
	case 1: // two bits per code: 0..2 and NA, for Bit and tiny widths
		for _, x := range b {
			for s := 0; s < 8; s += 2 {
				codes = append(codes, int32(x>>s&3)-1)
			}
		}
	case 2: // int16 codes
		for ; len(b) >= 2; b = b[2:] {
			codes = append(codes, int32(int16(binary.LittleEndian.Uint16(b))))
		}
	case 3: // raw int32 codes
		for ; len(b) >= 4; b = b[4:] {
			codes = append(codes, int32(binary.LittleEndian.Uint32(b)))
		}
	}
	if mode&4 == 0 {
		return codes, nil // identity
	}
	// A remap over the codes seen: a scaled, shifted map drawn from the
	// mode byte, with 0 and 1 forced in now and then so Bit and the sparse
	// zero fill appear, and a negative value when bit 7 is set.
	hi := int32(-1)
	for _, c := range codes {
		hi = max(hi, c)
	}
	if hi >= 1<<20 {
		return codes, nil // keep the remap small; identity covers wide codes
	}
	remap = make([]int32, hi+1)
	mul, add := int32(mode>>3&7), int32(mode>>6&1)*1000
	for i := range remap {
		remap[i] = int32(i)*mul + add
		if i%3 == 0 && mode&0x40 != 0 {
			remap[i] = 0
		}
	}
	if mode&0x80 != 0 && len(remap) > 0 {
		remap[len(remap)-1] = -remap[len(remap)-1] - 1
	}
	return codes, remap
}

func FuzzEncodeCodes(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{0, 1, 2, 3, 0x80, 0xFF, 7})
	f.Add([]byte{1, 0x55, 0x55, 0x55, 0x55, 0x55})
	f.Add([]byte{1, 0xE4, 0x1B, 0x00, 0xFF})
	f.Add([]byte{4 | 8, 0, 1, 0, 1, 0x80})
	f.Add([]byte{4 | 0x40, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17})
	f.Add([]byte{4 | 0x80, 0, 1, 2, 0xFF})
	f.Add([]byte{2, 0xFF, 0x7F, 0, 0, 0xFF, 0xFF, 1, 0})
	f.Add([]byte{3, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0x80})
	f.Add(append([]byte{0}, bytes.Repeat([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9}, 5)...))
	f.Add(append([]byte{0}, bytes.Repeat([]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 3}, 5)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		codes, remap := fuzzCodes(b)
		checkCodes(t, codes, remap)
	})
}

// benchCodes is a categorical column as the import sees it: 1M local codes
// of cardinality 300 with 2% NA, mapped into a global domain.
func benchCodes() (codes, remap []int32) {
	r := rand.New(rand.NewPCG(21, 22))
	return randCodes(r, benchRows, 300, 0.02, true)
}

// BenchmarkEncodeCodes compares the routes from codes to a chunk. Throughput
// is in MB/s of input rows counted at 4 bytes (one int32 code) per row for
// every route, so the figures compare rows per second directly.
//
//	EncodeCodes          the direct route
//	codes→EncodeNumeric  what the import did: remap into a float buffer, then EncodeNumeric
//	EncodeNumeric        EncodeNumeric alone on the prepared floats
func BenchmarkEncodeCodes(b *testing.B) {
	codes, remap := benchCodes()
	vals := codesAsFloats(codes, remap)
	rows := int64(len(codes))
	b.Run("EncodeCodes", func(b *testing.B) {
		b.SetBytes(4 * rows)
		b.ReportAllocs()
		var c Chunk
		for b.Loop() {
			c = EncodeCodes(codes, remap)
		}
		b.ReportMetric(float64(c.MemBytes())/float64(rows), "B/row")
	})
	b.Run("codes→EncodeNumeric", func(b *testing.B) {
		b.SetBytes(4 * rows)
		b.ReportAllocs()
		buf := make([]float64, len(codes))
		var c Chunk
		for b.Loop() {
			for i, code := range codes {
				if code < 0 {
					buf[i] = math.NaN()
				} else {
					buf[i] = float64(remap[code])
				}
			}
			c = EncodeNumeric(buf)
		}
		b.ReportMetric(float64(c.MemBytes())/float64(rows), "B/row")
	})
	b.Run("EncodeNumeric", func(b *testing.B) {
		b.SetBytes(4 * rows)
		b.ReportAllocs()
		var c Chunk
		for b.Loop() {
			c = EncodeNumeric(vals)
		}
		b.ReportMetric(float64(c.MemBytes())/float64(rows), "B/row")
	})
}
