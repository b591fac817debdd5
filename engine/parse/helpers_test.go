package parse

import (
	"math"
	"strconv"
	"testing"

	"github.com/mlctl/mlctl/engine/frame"
)

// cells renders parsed results as text rows, NA as "<NA>", so that results
// from different splits (with different per-range domains) compare equal.
func cells(s *Setup, rs ...*Result) [][]string {
	var out [][]string
	for _, r := range rs {
		for i := range r.Rows {
			row := make([]string, len(s.Types))
			for j, ty := range s.Types {
				c := r.Cols[j]
				switch ty {
				case frame.Categorical:
					if code := c.Codes[i]; code >= 0 {
						row[j] = c.Domain[code]
					} else {
						row[j] = "<NA>"
					}
				case frame.String:
					if c.StrNA[i] {
						row[j] = "<NA>"
					} else {
						row[j] = c.Strings[i]
					}
				default:
					if f := c.Floats[i]; math.IsNaN(f) {
						row[j] = "<NA>"
					} else if ty == frame.Time {
						row[j] = strconv.FormatFloat(f, 'f', -1, 64)
					} else {
						row[j] = strconv.FormatFloat(f, 'g', -1, 64)
					}
				}
			}
			out = append(out, row)
		}
	}
	return out
}

func mustGuess(t testing.TB, text string, opt GuessOptions) *Setup {
	t.Helper()
	s, err := Guess([]byte(text), "t.csv", opt)
	if err != nil {
		t.Fatalf("Guess: %v", err)
	}
	return s
}

// whole parses text as one range starting at a record boundary.
func whole(t testing.TB, text string, s *Setup) (*Result, error) {
	t.Helper()
	return ParseRange([]byte(text), 0, len(text), s, RangeOptions{File: "t.csv", AtRecordStart: true, SkipHeader: s.Header, DataEndsFile: true})
}

func textSetup(names []string, types ...frame.Type) *Setup {
	return &Setup{Sep: ',', Quote: '"', Names: names, Types: types, Overridden: make([]bool, len(types)), NAStrings: DefaultNAStrings}
}
