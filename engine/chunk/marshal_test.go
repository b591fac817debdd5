package chunk

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// samples returns one chunk of every encoding, with NA where it can hold it.
func samples() []Chunk {
	r := rand.New(rand.NewPCG(9, 9))
	var out []Chunk
	for _, d := range designs {
		out = append(out, EncodeNumeric(withNA(r, d.gen(r, 300), 0.05)))
	}
	out = append(out,
		EncodeNumeric(nil),
		EncodeNumeric(repeat(10, math.NaN())),
		EncodeNumeric(repeat(10, 2)),
		EncodeStrings([]string{"a", "", "ccc", "dd"}, []bool{false, false, false, true}),
		EncodeStrings([]string{"no", "na"}, nil),
		EncodeStrings(nil, nil),
	)
	return out
}

func TestMarshalRoundTripAllEncodings(t *testing.T) {
	seen := map[Encoding]bool{}
	for _, c := range samples() {
		seen[c.Encoding()] = true
		b := Marshal(c)
		back := roundTrip(t, c)
		if b2 := Marshal(back); !bytes.Equal(b, b2) {
			t.Errorf("%v: re-marshal differs: %d vs %d bytes", c.Encoding(), len(b), len(b2))
		}
	}
	for e := Const; e <= Bits; e++ {
		if !seen[e] {
			t.Errorf("samples miss encoding %v", e)
		}
	}
}

// Marshal is close to the in-memory size: a chunk is not inflated on the wire.
func TestMarshalCompact(t *testing.T) {
	for _, c := range samples() {
		if got := len(Marshal(c)); got > c.MemBytes()+16 {
			t.Errorf("%v: %d wire bytes for %d in memory", c.Encoding(), got, c.MemBytes())
		}
	}
}

// foreign is a Chunk from outside the package; Marshal must re-encode it.
type foreign struct{ vals []float64 }

func (f foreign) Len() int                       { return len(f.vals) }
func (f foreign) Encoding() Encoding             { return Float64 }
func (f foreign) IsNA(i int) bool                { return f.vals[i] != f.vals[i] }
func (f foreign) Float(i int) float64            { return f.vals[i] }
func (f foreign) String(int) (string, bool)      { return "", false }
func (f foreign) MemBytes() int                  { return 8 * len(f.vals) }
func (f foreign) Floats(dst []float64) []float64 { return append(dst[:0], f.vals...) }

func TestMarshalForeignChunk(t *testing.T) {
	vals := []float64{1, 2, math.NaN(), 4}
	c, err := Unmarshal(Marshal(foreign{vals}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Encoding() != Int8 {
		t.Errorf("re-encoded as %v, want Int8", c.Encoding())
	}
	checkNumeric(t, c, vals)
}

func hdr(enc Encoding, n uint64, body ...byte) []byte {
	b := binary.AppendUvarint([]byte{wireVersion, byte(enc)}, n)
	return append(b, body...)
}

func TestUnmarshalRejects(t *testing.T) {
	u64 := func(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	nested := Marshal(EncodeStrings([]string{"a"}, nil))
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "version needs 1 bytes"},
		{"version", []byte{2, byte(Const), 0}, "unsupported format version 2"},
		{"encoding", hdr(0, 1), "unknown encoding 0"},
		{"encoding high", hdr(200, 1), "unknown encoding 200"},
		{"row varint", []byte{1, byte(Const), 0x80}, "bad varint for row count"},
		{"too many rows", hdr(Const, MaxRows+1, u64(0)...), "exceeds MaxRows"},
		{"const short", hdr(Const, 3, 1, 2), "const value needs 8 bytes, 2 left"},
		{"trailing", append(hdr(Const, 3, u64(0)...), 9), "1 trailing bytes"},
		{"bit flags", hdr(Bit, 3, 4), "bit flags 0x4 has unknown bits"},
		{"bit short", hdr(Bit, 65, 0, 1), "bit values needs 16 bytes"},
		{"bit padding", hdr(Bit, 3, cat([]byte{0}, u64(1<<5))...), "bits set past row 3"},
		{"bit value under NA", hdr(Bit, 3, cat([]byte{1}, u64(2), u64(2))...), "value set under NA"},
		{"int scale", hdr(Int8, 1, 10, 0, 0, 5), "int scale 10 exceeds 9"},
		{"int flags", hdr(Int8, 1, 0, 3, 0, 5), "int flags 0x3"},
		{"int bias", hdr(Int16, 1, cat([]byte{0, 0}, binary.AppendVarint(nil, 1<<60), []byte{0, 0})...), "bias"},
		{"int short", hdr(Int32, 2, 0, 0, 0, 1, 2, 3, 4), "int values needs 8 bytes, 4 left"},
		{"huge rows few bytes", hdr(Float64, MaxRows, 0), "float64 values needs"},
		{"float32 short", hdr(Float32, 2, 0, 0, 0, 0), "float32 values needs 8 bytes"},
		{"sparse count", hdr(Sparse, 2, 0, 3), "lists 3 rows of 2"},
		{"sparse order", hdr(Sparse, 9, cat([]byte{0, 2}, []byte{4, 0, 0, 0, 4, 0, 0, 0})...), "out of order"},
		{"sparse index range", hdr(Sparse, 9, cat([]byte{0, 1}, []byte{9, 0, 0, 0})...), "out of order or ≥ 9"},
		{"sparse nested str", hdr(Sparse, 9, cat([]byte{0, 1}, []byte{3, 0, 0, 0}, nested)...), "cannot hold"},
		{"sparse nested len", hdr(Sparse, 9, cat([]byte{0, 1}, []byte{3, 0, 0, 0}, hdr(Const, 2, u64(0)...))...), "1 indices but 2 values"},
		{"sparse nested missing", hdr(Sparse, 9, cat([]byte{0, 1}, []byte{3, 0, 0, 0})...), "sparse values"},
		{"string length", hdr(Str, 2, 0, 5, 0, 'a'), "string row 0 ends at byte 5"},
		{"string NA text", hdr(Str, 1, cat([]byte{1}, u64(1), []byte{1, 'a'})...), "is NA but has 1 bytes"},
		{"string varint", hdr(Str, 1, 0, 0x80), "bad varint for string length"},
		{"bits scale", hdr(Bits, 1, 10, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0), "int scale 10 exceeds 9"},
		{"bits flags", hdr(Bits, 1, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0), "int flags 0x2"},
		{"bits bias varint", hdr(Bits, 1, 0, 0, 0x80), "bad varint for int bias"},
		{"bits bias", hdr(Bits, 1, cat([]byte{0, 1}, binary.AppendVarint(nil, -(1<<55)), []byte{3}, u64(0))...), "bias"},
		{"bits width missing", hdr(Bits, 1, 0, 0, 0), "bits width needs 1 bytes"},
		{"bits width 0", hdr(Bits, 1, cat([]byte{0, 0, 0, 0}, u64(0))...), "bits width 0 not in 1..32"},
		{"bits width 33", hdr(Bits, 1, cat([]byte{0, 0, 0, 33}, u64(0))...), "bits width 33"},
		{"bits width 255", hdr(Bits, 1, cat([]byte{0, 0, 0, 255}, u64(0))...), "bits width 255"},
		{"bits short", hdr(Bits, 65, cat([]byte{0, 0, 0, 1}, u64(0))...), "bits words needs 16 bytes, 8 left"},
		{"bits straddle short", hdr(Bits, 6, cat([]byte{0, 0, 0, 12}, u64(0))...), "bits words needs 16 bytes, 8 left"},
		{"bits huge rows", hdr(Bits, MaxRows, 0, 0, 0, 32, 0), "bits words needs"},
		{"bits padding", hdr(Bits, 3, cat([]byte{0, 0, 0, 12}, u64(1<<36))...), "bits set past row 3"},
		{"bits padding top", hdr(Bits, 5, cat([]byte{0, 1, 0, 12}, u64(1<<63))...), "bits set past row 5"},
		{"bits trailing", hdr(Bits, 64, cat([]byte{0, 0, 0, 1}, u64(0), []byte{0})...), "1 trailing bytes"},
		{"sparse nested bits short", hdr(Sparse, 9, cat([]byte{0, 1}, []byte{3, 0, 0, 0}, hdr(Bits, 1, 0, 0, 0, 9))...), "bits words needs 8 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Unmarshal(tc.in)
			if err == nil {
				t.Fatalf("accepted as %v chunk of %d rows", c.Encoding(), c.Len())
			}
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrVersion) {
				t.Errorf("error %q wraps neither ErrCorrupt nor ErrVersion", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

// Every prefix of a valid chunk is an error, and every one-byte corruption
// is either an error or a chunk that round-trips; nothing panics.
func TestUnmarshalTruncatedAndFlipped(t *testing.T) {
	for _, c := range samples() {
		b := Marshal(c)
		for k := range len(b) {
			if _, err := Unmarshal(b[:k]); err == nil {
				t.Fatalf("%v: prefix of %d/%d bytes accepted", c.Encoding(), k, len(b))
			}
		}
		if len(b) > 400 {
			b = b[:400] // the header and bitmaps are where flips matter
		}
		for k := range b {
			for _, x := range []byte{0x01, 0x80, 0xFF} {
				bad := bytes.Clone(Marshal(c))
				bad[k] ^= x
				checkUnmarshalled(t, bad)
			}
		}
	}
}
