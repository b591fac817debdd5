package parse

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/frame"
)

// randomCSV writes rows under a header for the columns n (numeric), c
// (categorical, with quoted separators, quotes and newlines), s (string) and
// t (time), with NAs, blank lines, CRLF and sometimes no final newline.
func randomCSV(r *rand.Rand, rows int) string {
	var b strings.Builder
	b.WriteString("n,c,s,t\n")
	words := []string{"a", "bb", "x,y", `say "hi"`, "two\nlines", "cr\r\nlf", "NA", "", "\n1,\"fake\",z,2020-01-01\n", "é"}
	quoteIf := func(w string) string {
		if strings.ContainsAny(w, ",\"\r\n") || r.IntN(10) == 0 {
			return `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		}
		return w
	}
	for i := range rows {
		switch r.IntN(12) {
		case 0:
			b.WriteString("")
		case 1:
			b.WriteString("NA")
		case 2:
			b.WriteString(strconv.FormatFloat(r.NormFloat64()*1e6, 'e', r.IntN(17), 64))
		case 3:
			b.WriteString(strconv.FormatFloat(r.Float64(), 'g', -1, 64))
		case 4:
			b.WriteString(`"` + strconv.Itoa(r.IntN(100)) + `"`)
		case 5:
			b.WriteString("-0." + strings.Repeat("0", r.IntN(25)) + "17")
		default:
			b.WriteString(strconv.Itoa(r.IntN(2000) - 1000))
		}
		b.WriteByte(',')
		b.WriteString(quoteIf(words[r.IntN(len(words))]))
		b.WriteByte(',')
		b.WriteString(quoteIf(words[r.IntN(len(words))] + strconv.Itoa(r.IntN(5))))
		b.WriteByte(',')
		if r.IntN(8) == 0 {
			b.WriteString("?")
		} else {
			b.WriteString("2021-0" + strconv.Itoa(1+r.IntN(9)) + "-1" + strconv.Itoa(r.IntN(10)) + " 0" + strconv.Itoa(r.IntN(10)) + ":15:00")
		}
		if i == rows-1 && r.IntN(3) == 0 {
			break // no final newline
		}
		if r.IntN(3) == 0 {
			b.WriteString("\r\n")
		} else {
			b.WriteString("\n")
		}
		if r.IntN(15) == 0 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

var propSetup = &Setup{Sep: ',', Quote: '"', Header: true, Names: []string{"n", "c", "s", "t"},
	Types: []frame.Type{frame.Numeric, frame.Categorical, frame.String, frame.Time}, Overridden: make([]bool, 4), NAStrings: DefaultNAStrings}

// checkChain verifies the protocol's invariants on ParseAll's output.
func checkChain(t *testing.T, data string, rs []*Result) {
	t.Helper()
	var prev int64
	for i, r := range rs {
		if !Chain(prev, r) || r.End < r.Start {
			t.Fatalf("range %d: Start %d End %d after End %d", i, r.Start, r.End, prev)
		}
		prev = r.End
	}
	if prev != int64(len(data)) {
		t.Fatalf("chain ends at %d of %d", prev, len(data))
	}
}

func TestParseAllMatchesWhole(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	reparsed := 0
	for iter := range 300 {
		data := randomCSV(r, 1+r.IntN(60))
		w, err := whole(t, data, propSetup)
		if err != nil {
			t.Fatalf("iter %d: whole: %v\n%q", iter, err, data)
		}
		want := cells(propSetup, w)
		for range 4 {
			size := 1 + r.IntN(80)
			rs, err := ParseAll([]byte(data), propSetup, "p.csv", size, 1+r.IntN(4))
			if err != nil {
				t.Fatalf("iter %d size %d: %v\n%q", iter, size, err, data)
			}
			checkChain(t, data, rs)
			if got := cells(propSetup, rs...); !reflect.DeepEqual(got, want) {
				t.Fatalf("iter %d size %d: rows differ\n got %q\nwant %q\n%q", iter, size, got, want, data)
			}
			lines := 0
			for _, x := range rs {
				lines += x.Lines
			}
			if lines != w.Lines {
				t.Fatalf("iter %d size %d: %d lines, whole %d", iter, size, lines, w.Lines)
			}
			reparsed += countReparsed([]byte(data), size)
		}
	}
	if reparsed == 0 {
		t.Fatal("no range needed the re-parse path; the test does not cover it")
	}
	t.Logf("%d ranges re-parsed", reparsed)
}

// countReparsed counts the ranges whose first guess would be rejected.
func countReparsed(data []byte, size int) int {
	n := 0
	var prev int64
	for start := 0; start < len(data); start += size {
		end := min(start+size, len(data))
		r, err := ParseRange(data, start, end, propSetup, RangeOptions{AtRecordStart: start == 0, SkipHeader: start == 0, DataEndsFile: true})
		if err != nil || !Chain(prev, r) {
			n++
			r, _ = ParseRange(data, int(prev), max(end, int(prev)), propSetup, RangeOptions{AtRecordStart: true, DataEndsFile: true})
		}
		prev = r.End
	}
	return n
}

// TestChainRejectsFakeRecord: a range starts just after a newline inside a
// quoted field, and the text that follows parses as a perfectly good record
// (y,2). Only the chain check can tell it from a real one.
func TestChainRejectsFakeRecord(t *testing.T) {
	data := []byte("a,b\n\"x\ny,2\nz\",1\nw,3\n")
	s := textSetup([]string{"a", "b"}, frame.Categorical, frame.Numeric)
	s.Header = true
	split := 7 // just after the '\n' inside the quotes
	naive, err := ParseRange(data, split, len(data), s, RangeOptions{DataEndsFile: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := cells(s, naive); !reflect.DeepEqual(got[0], []string{"y", "2"}) {
		t.Fatalf("the fake record did not parse as one: %q", got)
	}
	first, err := ParseRange(data, 0, split, s, RangeOptions{AtRecordStart: true, SkipHeader: true, DataEndsFile: true})
	if err != nil {
		t.Fatal(err)
	}
	if Chain(first.End, naive) {
		t.Fatalf("Chain accepted a range starting at %d after End %d", naive.Start, first.End)
	}
	rs, err := ParseAll(data, s, "f.csv", split, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"x\ny,2\nz", "1"}, {"w", "3"}}
	if got := cells(s, rs...); !reflect.DeepEqual(got, want) {
		t.Fatalf("rows %q, want %q", got, want)
	}
}

func TestParseAllErrorLinesAreAbsolute(t *testing.T) {
	data := "a,b\n" + strings.Repeat("x,1\n", 50) + "y,2,3\n" + strings.Repeat("x,1\n", 10)
	s := mustGuess(t, data[:100], GuessOptions{})
	_, err := ParseAll([]byte(data), s, "f.csv", 16, 3)
	var pe *Error
	if !errors.As(err, &pe) || pe.Line != 52 || pe.File != "f.csv" {
		t.Fatalf("got %v, want f.csv:52", err)
	}
}

func TestParseAllEmptyAndArgs(t *testing.T) {
	s := textSetup([]string{"a"}, frame.Numeric)
	rs, err := ParseAll(nil, s, "f", 10, 2)
	if err != nil || len(rs) != 1 || rs[0].Rows != 0 {
		t.Fatalf("%v %v", rs, err)
	}
	if _, err := ParseAll([]byte("1\n"), s, "f", 0, 1); err == nil {
		t.Fatal("range size 0 accepted")
	}
}
