package parse

import "github.com/mlctl/mlctl/engine/frame"

// Setup is everything a range parser needs to know about a delimited text
// file; the leader guesses it once from a sample (Guess) and ships it to every
// node, so all ranges of all files of one import parse alike.
type Setup struct {
	Sep         byte         `json:"sep"`
	Quote       byte         `json:"quote"` // '"' (RFC 4180: "" inside a quoted field is one ")
	Header      bool         `json:"header"`
	Names       []string     `json:"names"`
	Types       []frame.Type `json:"types"`
	Overridden  []bool       `json:"overridden"` // type set by the user, not guessed
	NAStrings   []string     `json:"na_strings"` // exact tokens read as NA, besides the empty field
	SampleLines int          `json:"sample_lines"`
}

// Column is one column of a parsed range, before it becomes chunks.
// Exactly one of the slices is used, by the column's type:
//
//	Numeric, Time: Floats (NaN = NA; time in ms since epoch, UTC)
//	Categorical:   Codes (-1 = NA) into Domain, this range's own domain in
//	               first-seen order; the engine unifies domains afterwards
//	String:        Strings with NA marked in StrNA
type Column struct {
	Floats  []float64
	Codes   []int32
	Domain  []string
	Strings []string
	StrNA   []bool
}

// Mismatch records the first value of a column that did not fit its type.
type Mismatch struct {
	Column int    `json:"column"`
	Line   int    `json:"line"` // 1-based, relative to the range's first record
	Value  string `json:"value"`
	Count  int    `json:"count"` // values of the column in the range that did not fit (all stored as NA)
}

// Result is a parsed byte range.
type Result struct {
	// Start is the offset of the first record parsed (the first line start at
	// or after the requested start, or the requested start itself when the
	// caller says it is a record boundary); End is the offset just past the
	// last record parsed: the first record boundary at or after the requested
	// end (records that start before end are finished even past it).
	Start, End int64
	Rows       int
	Lines      int // physical lines consumed, for absolute line numbers
	Cols       []Column
	// Mismatches lists, per column, the first value that did not fit the
	// column's type (the value is stored as NA).
	Mismatches []Mismatch
}

// Error is a parse error at a place in the input. Line is 1-based relative to
// the range start; the engine makes it absolute before showing it.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.File == "" {
		return "line " + itoa(e.Line) + ": " + e.Msg
	}
	return e.File + ":" + itoa(e.Line) + ": " + e.Msg
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
