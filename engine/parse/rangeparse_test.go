package parse

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/frame"
)

func TestParseRangeRecords(t *testing.T) {
	cat2 := textSetup([]string{"a", "b"}, frame.Categorical, frame.Categorical)
	cases := []struct {
		name  string
		text  string
		want  [][]string
		lines int
	}{
		{"plain", "x,y\nz,w\n", [][]string{{"x", "y"}, {"z", "w"}}, 2},
		{"no final newline", "x,y\nz,w", [][]string{{"x", "y"}, {"z", "w"}}, 2},
		{"crlf", "x,y\r\nz,w\r\n", [][]string{{"x", "y"}, {"z", "w"}}, 2},
		{"crlf no final newline", "x,y\r\nz,w\r", [][]string{{"x", "y"}, {"z", "w"}}, 2},
		{"blank lines", "\n\nx,y\n\r\n\nz,w\n\n", [][]string{{"x", "y"}, {"z", "w"}}, 7},
		{"quoted separator", `"x,1",y` + "\n", [][]string{{"x,1", "y"}}, 1},
		{"doubled quotes", `"say ""hi""",""""` + "\n", [][]string{{`say "hi"`, `"`}}, 1},
		{"embedded newline", "\"two\nlines\",y\nz,\"a\r\nb\"\n", [][]string{{"two\nlines", "y"}, {"z", "a\r\nb"}}, 4},
		{"quoted then crlf", "\"x\",\"y\"\r\n", [][]string{{"x", "y"}}, 1},
		{"quote inside unquoted", `5'11",b` + "\n", [][]string{{`5'11"`, "b"}}, 1},
		{"empty and NA", ",NA\n\"\",?\n", [][]string{{"<NA>", "<NA>"}, {"<NA>", "<NA>"}}, 2},
		{"quoted NA is NA", "\"NA\",b\n", [][]string{{"<NA>", "b"}}, 1},
		{"utf8", "é,日本\n", [][]string{{"é", "日本"}}, 1},
		{"long values", strings.Repeat("a", 40) + "," + strings.Repeat("b", 9) + "\n", [][]string{{strings.Repeat("a", 40), strings.Repeat("b", 9)}}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := whole(t, c.text, cat2)
			if err != nil {
				t.Fatal(err)
			}
			if got := cells(cat2, r); !reflect.DeepEqual(got, c.want) {
				t.Errorf("rows %q, want %q", got, c.want)
			}
			if r.Lines != c.lines || r.Start != 0 || r.End != int64(len(c.text)) {
				t.Errorf("Lines %d Start %d End %d, want %d 0 %d", r.Lines, r.Start, r.End, c.lines, len(c.text))
			}
		})
	}
}

func TestParseRangeTypes(t *testing.T) {
	s := textSetup([]string{"n", "c", "s", "t"}, frame.Numeric, frame.Categorical, frame.String, frame.Time)
	text := "1.5,a,hello,2020-01-02\n-2e3,b,NA,\nNaN,a,\"x,y\",2020-01-02T00:00:01Z\n"
	r, err := whole(t, text, s)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"1.5", "a", "hello", "1577923200000"}, {"-2000", "b", "<NA>", "<NA>"}, {"<NA>", "a", "x,y", "1577923201000"}}
	if got := cells(s, r); !reflect.DeepEqual(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if !reflect.DeepEqual(r.Cols[1].Domain, []string{"a", "b"}) || !reflect.DeepEqual(r.Cols[1].Codes, []int32{0, 1, 0}) {
		t.Errorf("domain %q codes %v", r.Cols[1].Domain, r.Cols[1].Codes)
	}
}

func TestParseRangeErrors(t *testing.T) {
	num := textSetup([]string{"x", "y"}, frame.Numeric, frame.Categorical)
	over := textSetup([]string{"x", "y"}, frame.Numeric, frame.Categorical)
	over.Overridden[0] = true
	cases := []struct {
		name string
		s    *Setup
		text string
		line int
		msg  string
	}{
		{"too few", num, "1,a\n2,b\n3\n", 3, "expected 2 fields, found 1; check the separator or quoting"},
		{"too many", num, "1,a\n2,b,c,d\n", 2, "expected 2 fields, found 4; check the separator or quoting"},
		{"ragged after embedded newline", num, "1,\"a\nb\"\n2,b,c\n", 3, "expected 2 fields, found 3"},
		{"bad utf8", num, "1,a\n2,\xff\xfe\n", 2, "invalid UTF-8"},
		{"junk after quote", num, "1,\"a\"b\n", 1, "unexpected character after a closing quote"},
		{"unterminated quote", num, "1,a\n2,\"b\n3,c\n", 2, "unterminated quoted field"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := whole(t, c.text, c.s)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want *Error", err)
			}
			if pe.Line != c.line || !strings.Contains(pe.Msg, c.msg) || pe.File != "t.csv" {
				t.Errorf("got %q (line %d), want line %d with %q", err, pe.Line, c.line, c.msg)
			}
		})
	}
}

// A forced type converts: a value that does not fit is NA and counted, not
// an error (the leader warns with the count and the first line).
func TestParseRangeOverriddenMismatchIsNA(t *testing.T) {
	over := textSetup([]string{"x", "y"}, frame.Numeric, frame.Categorical)
	over.Overridden[0] = true
	r, err := whole(t, "1,a\n\n2,b\nabc,c\nzz,d\n", over)
	if err != nil {
		t.Fatal(err)
	}
	want := []Mismatch{{Column: 0, Line: 4, Value: "abc", Count: 2}}
	if !reflect.DeepEqual(r.Mismatches, want) {
		t.Errorf("mismatches %+v, want %+v", r.Mismatches, want)
	}
	if got := cells(over, r); got[2][0] != "<NA>" || got[3][0] != "<NA>" {
		t.Errorf("cells %v", got)
	}
}

func TestParseRangeInferredMismatch(t *testing.T) {
	s := textSetup([]string{"x", "t"}, frame.Numeric, frame.Time)
	r, err := whole(t, "1,2020-01-01\nabc,oops\ndef,2020-01-02\n", s)
	if err != nil {
		t.Fatal(err)
	}
	want := []Mismatch{{Column: 0, Line: 2, Value: "abc", Count: 2}, {Column: 1, Line: 2, Value: "oops", Count: 1}}
	if !reflect.DeepEqual(r.Mismatches, want) {
		t.Errorf("mismatches %+v, want %+v", r.Mismatches, want)
	}
	if got := cells(s, r); got[1][0] != "<NA>" || got[2][0] != "<NA>" || got[2][1] == "<NA>" {
		t.Errorf("rows %q", got)
	}
}

func TestParseRangeBoundaries(t *testing.T) {
	s := textSetup([]string{"a", "b"}, frame.Categorical, frame.Numeric)
	text := "h1,h2\nx,1\nyy,2\nzzz,3\n" // records at 0, 6, 10, 15; len 21
	cases := []struct {
		start, end  int
		opt         RangeOptions
		first, last int64
		want        [][]string
		lines       int
	}{
		{0, 21, RangeOptions{AtRecordStart: true, SkipHeader: true}, 0, 21, [][]string{{"x", "1"}, {"yy", "2"}, {"zzz", "3"}}, 4},
		{0, 7, RangeOptions{AtRecordStart: true, SkipHeader: true}, 0, 10, [][]string{{"x", "1"}}, 2},
		{6, 7, RangeOptions{}, 6, 10, [][]string{{"x", "1"}}, 1}, // data[5] is '\n': 6 is a start
		{7, 11, RangeOptions{}, 10, 15, [][]string{{"yy", "2"}}, 1},
		{10, 10, RangeOptions{}, 10, 10, nil, 0},
		{16, 21, RangeOptions{}, 21, 21, nil, 0},
		{8, 9, RangeOptions{AtRecordStart: true}, 8, 10, nil, 0}, // caller's word is taken: "1\n" is one field
	}
	for _, c := range cases {
		c.opt.DataEndsFile = true
		r, err := ParseRange([]byte(text), c.start, c.end, s, c.opt)
		if c.start == 8 {
			if err == nil {
				t.Errorf("[8,9) at record start: want a ragged error")
			}
			continue
		}
		if err != nil {
			t.Fatalf("[%d,%d): %v", c.start, c.end, err)
		}
		if r.Start != c.first || r.End != c.last || r.Lines != c.lines || !reflect.DeepEqual(cells(s, r), c.want) {
			t.Errorf("[%d,%d): Start %d End %d Lines %d rows %q; want %d %d %d %q", c.start, c.end, r.Start, r.End, r.Lines, cells(s, r), c.first, c.last, c.lines, c.want)
		}
	}
}

func TestParseRangeNeedMore(t *testing.T) {
	s := textSetup([]string{"a", "b"}, frame.Categorical, frame.Numeric)
	for _, text := range []string{"x,1\ny,2", "x,1\n\"y\n", "x,1\nyy"} {
		_, err := ParseRange([]byte(text), 0, 5, s, RangeOptions{AtRecordStart: true})
		if !errors.Is(err, ErrNeedMore) {
			t.Errorf("%q: %v, want ErrNeedMore", text, err)
		}
	}
	// A record that ends before the data does is complete.
	if r, err := ParseRange([]byte("x,1\ny,2\nz,"), 0, 5, s, RangeOptions{AtRecordStart: true}); err != nil || r.Rows != 2 {
		t.Errorf("got %v, %v", r, err)
	}
	// No line start found after start: more data needed unless the file ends.
	if _, err := ParseRange([]byte("abcdef"), 2, 4, s, RangeOptions{}); !errors.Is(err, ErrNeedMore) {
		t.Errorf("got %v", err)
	}
}

func TestParseRangeBOM(t *testing.T) {
	s := mustGuess(t, "\xEF\xBB\xBFname,v\nx,1\n", GuessOptions{})
	if s.Names[0] != "name" {
		t.Fatalf("names %q", s.Names)
	}
	r, err := whole(t, "\xEF\xBB\xBFname,v\nx,1\n", s)
	if err != nil || r.Rows != 1 || r.Cols[0].Domain[0] != "x" {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestNASetAndUserNA(t *testing.T) {
	s := textSetup([]string{"n", "c"}, frame.Numeric, frame.Categorical)
	s.NAStrings = append(s.NAStrings, "-999", "missing")
	r, err := whole(t, "-999,missing\n1,a\n", s)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"<NA>", "<NA>"}, {"1", "a"}}
	if got := cells(s, r); !reflect.DeepEqual(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
}
