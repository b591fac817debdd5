package parse

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/frame"
)

// refRun is the record loop without run's shortcuts: every field goes
// through the tokenizer, oddEnd and store. run must give the same result,
// error and line counts on any input.
func refRun(p *rangeParser, t *tokenizer, end int) error {
	for t.skipBlank(end) {
		line := t.lines + 1
		var e fieldEnd
		for j := range p.cols {
			var err error
			if e, err = p.longField(t, j, line); err != nil {
				return err
			}
		}
		p.rows++
		if e == endEOF {
			p.noNLTail = true
			break
		}
	}
	return nil
}

// sameAsRef parses data[start:end) with run and with refRun and fails on
// any difference: values bit for bit, domains, rows, lines, offsets,
// mismatches and errors.
func sameAsRef(t *testing.T, data []byte, start, end int, s *Setup, opt RangeOptions) {
	t.Helper()
	got, errG := ParseRange(data, start, end, s, opt)
	want, errW := parseRange(data, start, end, s, opt, refRun)
	if (errG == nil) != (errW == nil) || (errG != nil && errG.Error() != errW.Error()) {
		t.Fatalf("%q [%d,%d) %+v: error %v, reference %v", data, start, end, opt, errG, errW)
	}
	if errG != nil {
		var a, b *Error
		if errors.As(errG, &a) != errors.As(errW, &b) || (a != nil && *a != *b) {
			t.Fatalf("%q: error %#v, reference %#v", data, errG, errW)
		}
		return
	}
	bitsOf := func(fs []float64) []uint64 {
		out := make([]uint64, len(fs))
		for i, f := range fs {
			out[i] = math.Float64bits(f)
		}
		return out
	}
	if got.Start != want.Start || got.End != want.End || got.Rows != want.Rows || got.Lines != want.Lines ||
		!reflect.DeepEqual(got.Mismatches, want.Mismatches) {
		t.Fatalf("%q [%d,%d): got %d %d rows %d lines %d %v, reference %d %d rows %d lines %d %v", data, start, end,
			got.Start, got.End, got.Rows, got.Lines, got.Mismatches, want.Start, want.End, want.Rows, want.Lines, want.Mismatches)
	}
	for j := range got.Cols {
		g, w := got.Cols[j], want.Cols[j]
		if !reflect.DeepEqual(bitsOf(g.Floats), bitsOf(w.Floats)) || !reflect.DeepEqual(g.Codes, w.Codes) ||
			!reflect.DeepEqual(g.Domain, w.Domain) || !reflect.DeepEqual(g.Strings, w.Strings) || !reflect.DeepEqual(g.StrNA, w.StrNA) {
			t.Fatalf("%q [%d,%d) column %d: got %+v, reference %+v", data, start, end, j, g, w)
		}
	}
}

// edgyCSV writes rows meant to hit run's edges: fields around 7-8 bytes,
// negative numbers after a separator (a false match for the plain
// has-zero-byte test), quotes with separators and newlines inside, CRLF,
// blank lines, NA, ragged rows, and 64-byte block boundaries anywhere.
func edgyCSV(r *rand.Rand, ncol int, sep byte) []byte {
	pieces := []string{"", "0", "1", "-1", "-12", "7", "42", "1234567", "12345678", "123456789", "007",
		"1.5", "-2e3", "NA", "?", "AA", "ORD", "c12", "abcdefg", "abcdefgh", "a longer value",
		"\"q\"", "\"a" + string(sep) + "b\"", "\"x\ny\"", "\"say \"\"hi\"\"\"", "\"\"", "\xff", "é", "2020-01-02",
		"\r", "a\rb", "\x0b", "-", "+5", "1_0", "0x1p3", "inf", `"""AA"`, `"AA`, `"7"`}
	var b strings.Builder
	rows := 1 + r.IntN(40)
	for range rows {
		if r.IntN(20) == 0 {
			b.WriteString([]string{"\n", "\r\n"}[r.IntN(2)])
		}
		n := ncol
		if r.IntN(60) == 0 {
			n += r.IntN(3) - 1
		}
		for j := range n {
			if j > 0 {
				b.WriteByte(sep)
			}
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		if r.IntN(8) == 0 {
			b.WriteString("\r\n")
		} else {
			b.WriteByte('\n')
		}
	}
	out := []byte(b.String())
	if r.IntN(4) == 0 {
		out = out[:r.IntN(len(out)+1)]
	}
	return out
}

func TestRunMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	kinds := []frame.Type{frame.Numeric, frame.Categorical, frame.String, frame.Time}
	for range 20000 {
		ncol := 1 + r.IntN(5)
		sep := ",;\t|"[r.IntN(4)]
		types := make([]frame.Type, ncol)
		for j := range types {
			types[j] = kinds[r.IntN(len(kinds))]
		}
		s := textSetup(make([]string, ncol), types...)
		s.Sep = sep
		if r.IntN(10) == 0 {
			s.Quote = 0
		}
		if r.IntN(10) == 0 {
			s.NAStrings = append([]string{"7", "AA"}, s.NAStrings...) // NA tokens that also parse
		}
		if r.IntN(5) == 0 {
			s.Overridden[r.IntN(ncol)] = true
		}
		data := edgyCSV(r, ncol, sep)
		sameAsRef(t, data, 0, len(data), s, RangeOptions{File: "f", AtRecordStart: true, DataEndsFile: true})
		if len(data) > 0 {
			start := r.IntN(len(data))
			end := start + r.IntN(len(data)-start+1)
			sameAsRef(t, data, start, end, s, RangeOptions{File: "f", DataEndsFile: r.IntN(2) == 0})
		}
	}
}

// FuzzRunMatchesReference checks run against refRun on arbitrary bytes,
// with the setup Guess finds and with every column forced to each type.
func FuzzRunMatchesReference(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(0))
	}
	f.Add([]byte("a,b,c\n1,-2,AA\n,7,\"x,y\"\r\n12345678,1234567,abcdefgh\n"), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, force uint8) {
		s, err := Guess(data, "f", GuessOptions{})
		if err != nil {
			return
		}
		if k := force % 5; k > 0 {
			ty := []frame.Type{frame.Numeric, frame.Categorical, frame.String, frame.Time}[k-1]
			for j := range s.Types {
				s.Types[j] = ty
			}
		}
		opt := RangeOptions{File: "f", AtRecordStart: true, SkipHeader: s.Header, DataEndsFile: true}
		sameAsRef(t, data, 0, len(data), s, opt)
		if len(data) > 1 {
			mid := int(force) % len(data)
			sameAsRef(t, data, mid, len(data), s, RangeOptions{File: "f", DataEndsFile: force&1 == 0})
		}
	})
}
