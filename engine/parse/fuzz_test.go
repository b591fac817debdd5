package parse

import (
	"errors"
	"reflect"
	"testing"
)

var fuzzSeeds = []string{
	"a,b\n1,2\n",
	"a;b\n\"x;y\";2\r\n",
	"h\n\"multi\nline\"\n\"\"\"q\"\"\"\n",
	"x\ty\n2020-01-01\t1e5\n\tNA\n",
	"a,b\n\"x\ny,2\nz\",1\nw,3\n",
	"1|2|3\n4|5\n",
	"\xEF\xBB\xBFid,v\nu1,\xff\n",
	"a,b\n1,\"open\n",
}

func FuzzGuess(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Guess(data, "f", GuessOptions{})
		if err != nil {
			return
		}
		if len(s.Names) != len(s.Types) || len(s.Types) == 0 || len(s.Overridden) != len(s.Types) {
			t.Fatalf("inconsistent setup %+v", s)
		}
		_, _ = ParseRange(data, 0, len(data), s, RangeOptions{AtRecordStart: true, SkipHeader: s.Header, DataEndsFile: true})
	})
}

// FuzzParseRange checks the chaining protocol: a whole-file parse and a
// chained parse in small ranges either both fail at the same line or both
// give the same rows.
func FuzzParseRange(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(1+i*3))
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		s, err := Guess(data, "f", GuessOptions{})
		if err != nil {
			return
		}
		w, errW := ParseRange(data, 0, len(data), s, RangeOptions{File: "f", AtRecordStart: true, SkipHeader: s.Header, DataEndsFile: true})
		rs, errC := ParseAll(data, s, "f", int(size)+1, 3)
		if (errW == nil) != (errC == nil) {
			t.Fatalf("whole error %v, chained error %v", errW, errC)
		}
		if errW != nil {
			var a, b *Error
			if errors.As(errW, &a) && errors.As(errC, &b) && *a != *b {
				t.Fatalf("whole error %v, chained error %v", errW, errC)
			}
			return
		}
		checkChain(t, string(data), rs)
		if got, want := cells(s, rs...), cells(s, w); !reflect.DeepEqual(got, want) {
			t.Fatalf("chained rows %q, whole %q", got, want)
		}
	})
}
