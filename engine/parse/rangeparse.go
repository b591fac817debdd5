package parse

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/mlctl/mlctl/engine/frame"
)

// RangeOptions says where a byte range sits in its file.
type RangeOptions struct {
	File string // for error messages only
	// AtRecordStart says start is known to be a record boundary (the start
	// of the file, or the End of the previous range in the chain). Without
	// it the first record is taken to begin after the first '\n' at or after
	// start-1.
	AtRecordStart bool
	// SkipHeader says the range begins at the start of a file whose first
	// record is a header; that record is consumed and not returned.
	SkipHeader bool
	// DataEndsFile says data reaches the end of the file. When it is false
	// and the last record started before end runs past len(data),
	// ParseRange returns ErrNeedMore so the caller can read further.
	DataEndsFile bool
}

// ErrNeedMore means a record that starts in the range runs past the data
// given; call again with more bytes after it (or DataEndsFile set).
var ErrNeedMore = errors.New("parse: a record runs past the end of the data read; read more")

// utf8BOM is skipped at offset 0: spreadsheet exports write it, and leaving it
// would glue three invisible bytes onto the first column's name.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ParseRange parses every record that starts in data[start:end) with setup,
// finishing the last one past end if it must. data holds the file (or a
// window of it); offsets are indexes into data, and offset 0 is taken to be
// the start of the file.
func ParseRange(data []byte, start, end int, setup *Setup, opt RangeOptions) (*Result, error) {
	return parseRange(data, start, end, setup, opt, (*rangeParser).run)
}

// parseRange is ParseRange with the record loop as a parameter, so that tests
// can check run against a plain field-by-field loop over the tokenizer.
func parseRange(data []byte, start, end int, setup *Setup, opt RangeOptions, run func(*rangeParser, *tokenizer, int) error) (*Result, error) {
	if err := setup.check(); err != nil {
		return nil, err
	}
	n := len(data)
	if start < 0 || start > n || end < start {
		return nil, errors.New("parse: range [" + itoa(start) + ", " + itoa(end) + ") outside data of " + itoa(n) + " bytes")
	}
	end = min(end, n)
	first := start
	if !opt.AtRecordStart && start > 0 {
		k := bytes.IndexByte(data[start-1:], '\n')
		switch {
		case k >= 0:
			first = start + k
		case opt.DataEndsFile:
			first = n // the rest belongs to a record begun earlier
		default:
			return nil, ErrNeedMore
		}
	}
	t := tokenizer{data: data, sep: setup.Sep, quote: setup.Quote, pos: first}
	if first == 0 && bytes.HasPrefix(data, utf8BOM) {
		t.pos = len(utf8BOM)
	}
	p := newRangeParser(setup, opt, data, t.pos, end)
	if opt.SkipHeader && t.skipBlank(n) {
		switch t.skipRecord() {
		case endOpen, endEOF:
			if !opt.DataEndsFile {
				return nil, ErrNeedMore
			}
		case endBad:
			return nil, p.errorf(t.lines+1, "header: "+t.badMsg)
		}
	}
	if err := run(p, &t, end); err != nil {
		return nil, err
	}
	return p.result(int64(first), int64(t.pos), t.lines), nil
}

// rangeParser holds the per-column builders of one ParseRange call.
type rangeParser struct {
	setup    *Setup
	opt      RangeOptions
	cols     []colBuilder
	na       naSet
	rows     int
	line     int  // 1-based line of the record being parsed, for messages
	noNLTail bool // the last record ended at the end of the data, not at '\n'
	mism     []Mismatch
}

type kind uint8

const (
	kNumeric kind = iota
	kCategorical
	kString
	kTime
)

type colBuilder struct {
	kind       kind
	term       byte // the byte expected after this column's field: Sep, or '\n' for the last
	naFirst    bool // an NA token would also parse as a value: test NA first
	overridden bool
	mismatched bool
	mismIdx    int // index in the parser's mismatches of this column's first
	floats     []float64
	codes      []int32
	dict       catDict
	domain     []string
	arena      []byte // string values back to back, cut into strings once at the end
	offs       []int
	strNA      []bool
}

func newRangeParser(s *Setup, opt RangeOptions, data []byte, from, end int) *rangeParser {
	est := 16
	if from < end {
		est = bytes.Count(data[from:end], nl) + 2
	}
	p := &rangeParser{setup: s, opt: opt, na: newNASet(s.NAStrings), cols: make([]colBuilder, len(s.Types))}
	for j, ty := range s.Types {
		c := &p.cols[j]
		c.term = s.Sep
		if j == len(s.Types)-1 {
			c.term = '\n'
		}
		c.overridden = j < len(s.Overridden) && s.Overridden[j]
		switch ty {
		case frame.Categorical:
			c.kind = kCategorical
			c.codes = make([]int32, 0, est)
			c.dict = newCatDict()
		case frame.String:
			c.kind = kString
			c.offs = make([]int, 1, est+1)
			c.strNA = make([]bool, 0, est)
		case frame.Time:
			c.kind = kTime
			c.floats = make([]float64, 0, est)
			c.naFirst = p.na.any(func(tok string) bool { _, ok := parseTime([]byte(tok)); return ok })
		default:
			c.kind = kNumeric
			c.floats = make([]float64, 0, est)
			c.naFirst = p.na.any(func(tok string) bool {
				f, ok := parseNumber([]byte(tok))
				return ok && !math.IsNaN(f)
			})
		}
	}
	return p
}

// oddEnd handles field j of a record ending in an unexpected way: an error,
// the end of the data, or a ragged row. It returns nil when the record can
// still be stored (its last field ends the data).
func (p *rangeParser) oddEnd(t *tokenizer, e fieldEnd, j, line int) error {
	ncol := len(p.cols)
	switch e {
	case endBad:
		return p.errorf(line, t.badMsg)
	case endOpen:
		if !p.opt.DataEndsFile {
			return ErrNeedMore
		}
		return p.errorf(line, t.badMsg+" (a quote opened on this line is never closed)")
	case endEOF:
		if !p.opt.DataEndsFile {
			return ErrNeedMore
		}
		if j == ncol-1 {
			return nil
		}
	case endSep: // more fields than columns: count them for the message
		found := j + 1
		for e == endSep {
			_, e = t.field()
			found++
		}
		if e == endOpen && !p.opt.DataEndsFile {
			return ErrNeedMore
		}
		return p.raggedf(line, found)
	}
	return p.raggedf(line, j+1)
}

func (p *rangeParser) raggedf(line, found int) error {
	return p.errorf(line, "expected "+itoa(len(p.cols))+" fields, found "+itoa(found)+"; check the separator or quoting")
}

// store converts one field. Lookups come before NA tests because NA tokens
// are rare: a value found in a categorical dictionary cannot be NA (NA is
// never inserted), and a token that parses as a number is not NA unless an NA
// token itself parses (naFirst).
func (p *rangeParser) store(j int, val []byte, line int) error {
	c := &p.cols[j]
	switch c.kind {
	case kNumeric:
		if c.naFirst && p.na.has(val) {
			c.floats = append(c.floats, math.NaN())
			return nil
		}
		if f, ok := parseNumber(val); ok {
			c.floats = append(c.floats, f)
			return nil
		}
	case kCategorical:
		if code, ok := c.dict.get(val); ok {
			c.codes = append(c.codes, code)
			return nil
		}
		if p.na.has(val) {
			c.codes = append(c.codes, -1)
			return nil
		}
		if !utf8.Valid(val) {
			return p.errorf(line, "column "+strconv.Quote(p.setup.Names[j])+": invalid UTF-8 in "+strconv.Quote(string(val)))
		}
		code := int32(len(c.domain))
		s := string(val)
		c.dict.put(val, code)
		c.domain = append(c.domain, s)
		c.codes = append(c.codes, code)
		return nil
	case kString:
		if p.na.has(val) {
			c.strNA = append(c.strNA, true)
		} else {
			if !utf8.Valid(val) {
				return p.errorf(line, "column "+strconv.Quote(p.setup.Names[j])+": invalid UTF-8 in "+strconv.Quote(string(val)))
			}
			c.arena = append(c.arena, val...)
			c.strNA = append(c.strNA, false)
		}
		c.offs = append(c.offs, len(c.arena))
		return nil
	case kTime:
		if c.naFirst && p.na.has(val) {
			c.floats = append(c.floats, math.NaN())
			return nil
		}
		if ms, ok := parseTime(val); ok {
			c.floats = append(c.floats, float64(ms))
			return nil
		}
	}
	// Numeric or time value that did not parse.
	c.floats = append(c.floats, math.NaN())
	if p.na.has(val) {
		return nil
	}
	// The value is NA; the first per range is kept (with a count) so the
	// leader can warn, or, for a guessed type, read the column as text.
	if !c.mismatched {
		c.mismatched = true
		c.mismIdx = len(p.mism)
		p.mism = append(p.mism, Mismatch{Column: j, Line: line, Value: string(val)})
	}
	p.mism[c.mismIdx].Count++
	return nil
}

func (p *rangeParser) errorf(line int, msg string) error {
	return &Error{File: p.opt.File, Line: line, Msg: msg}
}

func (p *rangeParser) result(start, end int64, lines int) *Result {
	if p.noNLTail {
		lines++
	}
	r := &Result{Start: start, End: end, Rows: p.rows, Lines: lines, Cols: make([]Column, len(p.cols)), Mismatches: p.mism}
	for j := range p.cols {
		c := &p.cols[j]
		out := &r.Cols[j]
		switch c.kind {
		case kNumeric, kTime:
			out.Floats = c.floats
		case kCategorical:
			out.Codes = c.codes
			out.Domain = c.domain
		case kString:
			all := string(c.arena)
			out.Strings = make([]string, len(c.strNA))
			for i := range out.Strings {
				out.Strings[i] = all[c.offs[i]:c.offs[i+1]]
			}
			out.StrNA = c.strNA
		}
	}
	return r
}
