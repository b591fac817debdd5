package scoring

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The model body (the artifact's model.bin) is the model's numbers in a
// little-endian binary layout; the schema and every name live in the
// manifest. docs/artifact.md has the table. Layout version 1:
//
//	magic "MLZM", u16 body version, u8 algo (1 GBM, 2 GLM)
//	GBM: str distribution, u32 K, f64[K] init_f, u32 trees, per tree:
//	     u32 nodes n, i32[n] feature, f64[n] threshold, u8[n] flags,
//	     i32[n] cat_start, i32[n] cat_words, u32 m, u64[m] cats,
//	     i32[n] left, i32[n] right, f64[n] value, f64[n] cover
//	GLM: str family, str link, f64 tweedie_power, f64 link_power,
//	     u8 intercept, u32 F, i32[F] start, u32 K, u32 slots,
//	     f64[K*slots] beta (class-major), u32 F, f64[F] impute
//
// A str is a u32 length then UTF-8 bytes. Counts are bounded by the bytes
// that remain, so a corrupt count fails cleanly instead of allocating.
const bodyVersion = 1

const (
	algoGBM = 1
	algoGLM = 2
)

var bodyMagic = []byte("MLZM")

// EncodeBody returns m's numbers in the body layout.
func EncodeBody(m Model) ([]byte, error) {
	var w bodyWriter
	w.buf.Write(bodyMagic)
	w.u16(bodyVersion)
	switch v := m.(type) {
	case *GBM:
		w.u8(algoGBM)
		w.str(v.Distribution)
		w.f64s(v.InitF)
		w.u32(uint32(len(v.Trees)))
		for i := range v.Trees {
			t := &v.Trees[i]
			n := len(t.Feature)
			if len(t.Threshold) != n || len(t.Flags) != n || len(t.CatStart) != n || len(t.CatWords) != n ||
				len(t.Left) != n || len(t.Right) != n || len(t.Value) != n || (len(t.Cover) != n && len(t.Cover) != 0) {
				return nil, fmt.Errorf("scoring: tree %d has arrays of different lengths", i)
			}
			w.u32(uint32(n))
			w.i32s(t.Feature)
			for _, x := range t.Threshold {
				w.f64(x)
			}
			w.buf.Write(t.Flags)
			w.i32s(t.CatStart)
			w.i32s(t.CatWords)
			w.u32(uint32(len(t.Cats)))
			for _, c := range t.Cats {
				w.u64(c)
			}
			w.i32s(t.Left)
			w.i32s(t.Right)
			for _, x := range t.Value {
				w.f64(x)
			}
			for i := range n { // no covers (an imported model without them) are zeros
				c := 0.0
				if len(t.Cover) == n {
					c = t.Cover[i]
				}
				w.f64(c)
			}
		}
	case *GLM:
		w.u8(algoGLM)
		w.str(v.Family)
		w.str(v.Link)
		w.f64(v.TweediePower)
		w.f64(v.LinkPower)
		if v.Intercept {
			w.u8(1)
		} else {
			w.u8(0)
		}
		w.u32(uint32(len(v.Start)))
		for _, s := range v.Start {
			w.u32(uint32(int32(s)))
		}
		slots := 0
		if len(v.Beta) > 0 {
			slots = len(v.Beta[0])
		}
		w.u32(uint32(len(v.Beta)))
		w.u32(uint32(slots))
		for k, b := range v.Beta {
			if len(b) != slots {
				return nil, fmt.Errorf("scoring: class %d has %d coefficients, class 0 has %d", k, len(b), slots)
			}
			for _, x := range b {
				w.f64(x)
			}
		}
		w.f64s(v.Impute)
	default:
		return nil, fmt.Errorf("scoring: no body layout for model type %T", m)
	}
	return w.buf.Bytes(), nil
}

// DecodeBody rebuilds a model from a body and the schema the manifest gives.
// The result is validated, so a body that decodes is safe to score with.
func DecodeBody(b []byte, s Schema) (Model, error) {
	r := bodyReader{b: b}
	if !bytes.HasPrefix(b, bodyMagic) {
		return nil, errors.New("model body does not start with the MLZM magic")
	}
	r.off = len(bodyMagic)
	if v := r.u16(); r.err == nil && v != bodyVersion {
		return nil, fmt.Errorf("model body layout version %d is not one this scorer reads (it reads %d)", v, bodyVersion)
	}
	var m Model
	switch algo := r.u8(); algo {
	case algoGBM:
		g := &GBM{Schema: s, Distribution: r.str(), InitF: r.f64s()}
		nt := r.count(4)
		for i := 0; i < nt && r.err == nil; i++ {
			n := r.count(4*5 + 8*3 + 1) // the bytes of one node, Cats aside
			t := Tree{Feature: r.i32s(n), Threshold: r.f64n(n), Flags: r.bytes(n), CatStart: r.i32s(n), CatWords: r.i32s(n)}
			nc := r.count(8)
			t.Cats = make([]uint64, 0, nc)
			for j := 0; j < nc && r.err == nil; j++ {
				t.Cats = append(t.Cats, r.u64())
			}
			t.Left, t.Right = r.i32s(n), r.i32s(n)
			t.Value, t.Cover = r.f64n(n), r.f64n(n)
			g.Trees = append(g.Trees, t)
		}
		m = g
	case algoGLM:
		g := &GLM{Schema: s, Family: r.str(), Link: r.str(), TweediePower: r.f64(), LinkPower: r.f64(), Intercept: r.u8() == 1}
		nf := r.count(4)
		for i := 0; i < nf && r.err == nil; i++ {
			g.Start = append(g.Start, int(int32(r.u32())))
		}
		k := r.count(0)
		slots := int(r.u32())
		if r.err == nil && (k > 1<<16 || slots < 0 || k*slots*8 > len(b)-r.off) {
			r.err = errTruncated
		}
		for c := 0; c < k && r.err == nil; c++ {
			g.Beta = append(g.Beta, r.f64n(slots))
		}
		g.Impute = r.f64s()
		m = g
	default:
		if r.err == nil {
			return nil, fmt.Errorf("model body holds algorithm %d, which this scorer does not know", algo)
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("model body: %w", r.err)
	}
	if r.off != len(b) {
		return nil, fmt.Errorf("model body has %d bytes after its end", len(b)-r.off)
	}
	if err := Validate(m); err != nil {
		return nil, fmt.Errorf("model body: %w", err)
	}
	return m, nil
}

type bodyWriter struct{ buf bytes.Buffer }

func (w *bodyWriter) u8(v uint8)   { w.buf.WriteByte(v) }
func (w *bodyWriter) u16(v uint16) { w.buf.Write(binary.LittleEndian.AppendUint16(nil, v)) }
func (w *bodyWriter) u32(v uint32) { w.buf.Write(binary.LittleEndian.AppendUint32(nil, v)) }
func (w *bodyWriter) u64(v uint64) { w.buf.Write(binary.LittleEndian.AppendUint64(nil, v)) }
func (w *bodyWriter) f64(v float64) {
	w.u64(math.Float64bits(v))
}
func (w *bodyWriter) str(s string) { w.u32(uint32(len(s))); w.buf.WriteString(s) }
func (w *bodyWriter) f64s(v []float64) {
	w.u32(uint32(len(v)))
	for _, x := range v {
		w.f64(x)
	}
}
func (w *bodyWriter) i32s(v []int32) {
	for _, x := range v {
		w.u32(uint32(x))
	}
}

var errTruncated = errors.New("truncated or corrupt (a count runs past the end)")

// bodyReader reads the layout, remembering the first error; every read after
// it returns zeros.
type bodyReader struct {
	b   []byte
	off int
	err error
}

func (r *bodyReader) take(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.off {
		if r.err == nil {
			r.err = errTruncated
		}
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *bodyReader) u8() uint8 {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *bodyReader) u16() uint16 {
	if p := r.take(2); p != nil {
		return binary.LittleEndian.Uint16(p)
	}
	return 0
}

func (r *bodyReader) u32() uint32 {
	if p := r.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (r *bodyReader) u64() uint64 {
	if p := r.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

func (r *bodyReader) f64() float64 { return math.Float64frombits(r.u64()) }

// count reads a u32 count of items of at least size bytes each and refuses
// one the remaining bytes cannot hold.
func (r *bodyReader) count(size int) int {
	n := int(r.u32())
	if r.err == nil && size > 0 && n > (len(r.b)-r.off)/size {
		r.err = errTruncated
		return 0
	}
	return n
}

func (r *bodyReader) str() string {
	return string(r.take(r.count(1)))
}

func (r *bodyReader) bytes(n int) []byte {
	return append([]byte(nil), r.take(n)...)
}

func (r *bodyReader) f64n(n int) []float64 {
	p := r.take(8 * n)
	if p == nil {
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(p[8*i:]))
	}
	return out
}

func (r *bodyReader) f64s() []float64 { return r.f64n(r.count(8)) }

func (r *bodyReader) i32s(n int) []int32 {
	p := r.take(4 * n)
	if p == nil {
		return nil
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(p[4*i:]))
	}
	return out
}
