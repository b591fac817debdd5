package parse

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/frame"
)

const (
	N = frame.Numeric
	C = frame.Categorical
	S = frame.String
	T = frame.Time
)

func TestGuess(t *testing.T) {
	ids := "id,v\n"
	for i := range 150 {
		ids += "u" + strconv.Itoa(i*7919) + "," + strconv.Itoa(i%3) + "\n"
	}
	cases := []struct {
		name   string
		text   string
		opt    GuessOptions
		sep    byte
		header bool
		names  []string
		types  []frame.Type
	}{
		{"comma header", "a,b,c\n1,x,2020-01-01\n2,y,2020-01-02\n", GuessOptions{}, ',', true, []string{"a", "b", "c"}, []frame.Type{N, C, T}},
		{"tab", "a\tb\n1\t2.5\n3\t4\n", GuessOptions{}, '\t', true, []string{"a", "b"}, []frame.Type{N, N}},
		{"semicolon decimals", "x;y\n1,5;a\n2,5;b\n", GuessOptions{}, ';', true, []string{"x", "y"}, []frame.Type{C, C}},
		{"pipe", "1|2|3\n4|5|6\n", GuessOptions{}, '|', false, []string{"C1", "C2", "C3"}, []frame.Type{N, N, N}},
		{"quoted commas in tsv", "a\tb\n\"x,y\"\t1\n\"z,w,v\"\t2\n", GuessOptions{}, '\t', true, []string{"a", "b"}, []frame.Type{C, N}},
		{"no header numbers", "1,2\n3,4\n", GuessOptions{}, ',', false, []string{"C1", "C2"}, []frame.Type{N, N}},
		{"header over text", "name,city\nbob,paris\nann,rome\n", GuessOptions{}, ',', true, []string{"name", "city"}, []frame.Type{C, C}},
		{"text without header", "bob,paris\nann,paris\n", GuessOptions{}, ',', false, []string{"C1", "C2"}, []frame.Type{C, C}},
		{"first row repeats below", "a,b\na,c\n", GuessOptions{}, ',', false, []string{"C1", "C2"}, []frame.Type{C, C}},
		{"numeric header names", "x,1999,2000\na,1,2\nb,3,4\n", GuessOptions{}, ',', false, []string{"C1", "C2", "C3"}, []frame.Type{C, N, N}},
		{"header forced yes", "1,2\n3,4\n", GuessOptions{Header: "yes"}, ',', true, []string{"1", "2"}, []frame.Type{N, N}},
		{"header forced no", "a,b\n1,2\n", GuessOptions{Header: "no"}, ',', false, []string{"C1", "C2"}, []frame.Type{C, C}},
		{"single header line", "a,b,c\n", GuessOptions{}, ',', true, []string{"a", "b", "c"}, []frame.Type{N, N, N}},
		{"NA tokens", "a,b,c\nNA,?,\n1,x,null\n", GuessOptions{}, ',', true, []string{"a", "b", "c"}, []frame.Type{N, C, N}},
		{"user NA", "a,b\n-,1\n2,-\n", GuessOptions{NAStrings: []string{"-"}}, ',', true, []string{"a", "b"}, []frame.Type{N, N}},
		{"all NA is numeric", "a,b\nNA,1\n,2\n", GuessOptions{}, ',', true, []string{"a", "b"}, []frame.Type{N, N}},
		{"datetimes", "t\n2020-01-01 10:00:00\n2020-01-01T10:00:00.5Z\n", GuessOptions{}, ',', true, []string{"t"}, []frame.Type{T}},
		{"mixed is categorical", "v\n1\n2020-01-01\n", GuessOptions{}, ',', true, []string{"v"}, []frame.Type{C}},
		{"ids are strings", ids, GuessOptions{}, ',', true, []string{"id", "v"}, []frame.Type{S, N}},
		{"override", "a,b\n1,2\n3,4\n", GuessOptions{ColTypes: map[string]frame.Type{"b": C}}, ',', true, []string{"a", "b"}, []frame.Type{N, C}},
		{"override by C name", "1,2\n3,4\n", GuessOptions{ColTypes: map[string]frame.Type{"C2": S}}, ',', false, []string{"C1", "C2"}, []frame.Type{N, S}},
		{"forced sep", "a;b,c\n1;2,3\n", GuessOptions{Sep: ','}, ',', true, []string{"a;b", "c"}, []frame.Type{C, N}},
		{"duplicate and empty names", "a,a,\n1,2,3\n", GuessOptions{}, ',', true, []string{"a", "a_2", "C3"}, []frame.Type{N, N, N}},
		{"truncated sample", "a,b\n1,2\n3,4\n5,\"unfinished", GuessOptions{}, ',', true, []string{"a", "b"}, []frame.Type{N, N}},
		{"single column", "v\nx\ny\n", GuessOptions{}, ',', true, []string{"v"}, []frame.Type{C}},
		{"crlf and bom", "\xEF\xBB\xBFa,b\r\n1,2\r\n", GuessOptions{}, ',', true, []string{"a", "b"}, []frame.Type{N, N}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mustGuess(t, c.text, c.opt)
			if s.Sep != c.sep || s.Header != c.header || !reflect.DeepEqual(s.Names, c.names) || !reflect.DeepEqual(s.Types, c.types) {
				t.Errorf("sep %q header %v names %q types %v; want %q %v %q %v", s.Sep, s.Header, s.Names, s.Types, c.sep, c.header, c.names, c.types)
			}
			for j, ty := range c.opt.ColTypes {
				if k := indexOf(s.Names, j); !s.Overridden[k] || s.Types[k] != ty {
					t.Errorf("override of %s not kept", j)
				}
			}
		})
	}
}

func indexOf(names []string, n string) int {
	for i, x := range names {
		if x == n {
			return i
		}
	}
	return -1
}

func TestGuessErrors(t *testing.T) {
	cases := []struct {
		name string
		text string
		opt  GuessOptions
		line int // 0: not an *Error
		msg  string
	}{
		{"empty", "", GuessOptions{}, 1, "file is empty"},
		{"only newlines", "\n\r\n\n", GuessOptions{}, 1, "file is empty"},
		{"bad utf8", "a,b\n1,2\n3,\xc3\x28\n4,5\n", GuessOptions{}, 3, "invalid UTF-8"},
		{"ragged", "a,b,c,d,e,f,g,h,i\n" + strings.Repeat("1,2,3,4,5,6,7,8,9\n", 5) + "1,2,3,4,5,6,7\n1,2,3,4,5,6,7,8,9\n", GuessOptions{}, 7, "expected 9 fields, found 7"},
		{"unknown column", "a,b\n1,2\n", GuessOptions{ColTypes: map[string]frame.Type{"zz": N}}, 0, `column "zz" given a type is not in the file; its columns are: a, b`},
		{"bad header option", "a\n1\n", GuessOptions{Header: "maybe"}, 0, "header must be auto, yes or no"},
		{"bad type", "a\n1\n", GuessOptions{ColTypes: map[string]frame.Type{"a": "blob"}}, 0, "unknown type"},
		{"unterminated only record", "\"abc", GuessOptions{}, 1, "unterminated"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Guess([]byte(c.text), "f.csv", c.opt)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("error %v, want %q", err, c.msg)
			}
			var pe *Error
			if isPE := errors.As(err, &pe); isPE != (c.line > 0) || (isPE && (pe.Line != c.line || pe.File != "f.csv")) {
				t.Errorf("error %#v, want line %d", err, c.line)
			}
		})
	}
}
