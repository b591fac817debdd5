package parse

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mlctl/mlctl/engine/frame"
)

// GuessOptions are the user's hints to Guess. Zero values mean "guess".
type GuessOptions struct {
	Sep    byte   // 0: guess among ',', '\t', ';', '|'
	Header string // "auto" (or ""), "yes", "no"
	// NAStrings are read as NA in addition to DefaultNAStrings.
	NAStrings []string
	// ColTypes overrides guessed types by column name ("C1", "C2", ... when
	// the file has no header, since those become the names).
	ColTypes map[string]frame.Type
}

// DefaultNAStrings are read as NA in every column, besides the empty field.
// "NaN" is here so that text columns treat it as missing just as numeric
// columns do.
var DefaultNAStrings = []string{"NA", "N/A", "null", "NULL", "NaN", "?"}

// Separators Guess chooses among, in order of preference on a tie.
var guessSeps = []byte{',', '\t', ';', '|'}

const (
	sepProbeRecords = 1000   // records tried per candidate separator
	maxGuessRecords = 100000 // records used for the header and types
	// A column is String rather than Categorical when at least
	// stringMinRows non-NA sample values are more than stringDistinct
	// distinct: such columns are IDs or free text, and a dictionary the size
	// of the column only costs memory and the engine's domain unification.
	stringMinRows  = 100
	stringDistinct = 0.95
)

// Guess works out how to parse a delimited text file from a sample of its
// first bytes. A sample that stops mid-record is fine: an unfinished last
// line is left out of the guess.
func Guess(sample []byte, file string, opt GuessOptions) (*Setup, error) {
	sample = bytes.TrimPrefix(sample, utf8BOM)
	if len(bytes.Trim(sample, "\r\n")) == 0 {
		return nil, &Error{File: file, Line: 1, Msg: "file is empty"}
	}
	naTokens := append(slices.Clone(DefaultNAStrings), opt.NAStrings...)
	na := newNASet(naTokens)

	sep := opt.Sep
	if sep == 0 {
		sep = guessSep(sample)
	} else if sep == '\n' || sep == '\r' || sep == '"' {
		return nil, errors.New("parse: separator " + strconv.QuoteRune(rune(sep)) + " cannot be used")
	}
	recs, used, err := sampleRecords(sample, sep, maxGuessRecords, file)
	if err != nil {
		return nil, err
	}
	if err := checkUTF8(sample[:used], file); err != nil {
		return nil, err
	}
	ncol := len(recs[0].fields)
	for _, r := range recs[1:] {
		if len(r.fields) != ncol {
			return nil, &Error{File: file, Line: r.line, Msg: "expected " + itoa(ncol) + " fields, found " + itoa(len(r.fields)) + "; check the separator or quoting"}
		}
	}

	var header bool
	switch strings.ToLower(opt.Header) {
	case "", "auto":
		header = guessHeader(recs, &na)
	case "yes", "true":
		header = true
	case "no", "false":
		header = false
	default:
		return nil, errors.New("parse: header must be auto, yes or no, not " + strconv.Quote(opt.Header))
	}
	s := &Setup{Sep: sep, Quote: '"', Header: header, NAStrings: naTokens, SampleLines: recs[len(recs)-1].line}
	data := recs
	if header {
		s.Names = headerNames(recs[0].fields)
		data = recs[1:]
	} else {
		for j := range ncol {
			s.Names = append(s.Names, "C"+itoa(j+1))
		}
	}
	s.Types = make([]frame.Type, ncol)
	s.Overridden = make([]bool, ncol)
	for j := range ncol {
		s.Types[j] = guessType(data, j, &na)
	}
	for name, ty := range opt.ColTypes {
		j := slices.Index(s.Names, name)
		if j < 0 {
			return nil, errors.New("parse: " + file + ": column " + strconv.Quote(name) + " given a type is not in the file; its columns are: " + strings.Join(s.Names, ", "))
		}
		if _, ok := frame.ParseType(string(ty)); !ok {
			return nil, errors.New("parse: column " + strconv.Quote(name) + ": unknown type " + strconv.Quote(string(ty)))
		}
		s.Types[j], s.Overridden[j] = ty, true
	}
	return s, nil
}

// sampleRecord is one record of the sample, as strings.
type sampleRecord struct {
	line   int // 1-based physical line where the record starts
	fields []string
}

// sampleRecords cuts up to max records from the sample. It returns how many
// bytes of the sample they cover. The last record is dropped when it is not
// terminated by a newline and others exist, because the sample may have cut
// it short.
func sampleRecords(sample []byte, sep byte, max int, file string) ([]sampleRecord, int, error) {
	t := tokenizer{data: sample, sep: sep, quote: '"'}
	var recs []sampleRecord
	used := 0
	for len(recs) < max && t.skipBlank(len(sample)) {
		r := sampleRecord{line: t.lines + 1}
		var e fieldEnd
		for {
			var val []byte
			val, e = t.field()
			if e == endBad {
				return nil, 0, &Error{File: file, Line: r.line, Msg: t.badMsg}
			}
			r.fields = append(r.fields, string(val))
			if e != endSep {
				break
			}
		}
		if e == endEOF || e == endOpen {
			if len(recs) > 0 {
				break
			}
			if e == endOpen {
				return nil, 0, &Error{File: file, Line: r.line, Msg: t.badMsg}
			}
		}
		recs = append(recs, r)
		used = t.pos
	}
	if len(recs) == 0 {
		return nil, 0, &Error{File: file, Line: 1, Msg: "file is empty"}
	}
	return recs, used, nil
}

// guessSep picks the candidate that splits the probed records into the same
// number of fields, two or more, on every record; the most fields wins, then
// the earlier candidate. When none is consistent, the one with the most
// fields on the first record is returned so that the ragged-row error names a
// line under the separator the user most likely meant.
func guessSep(sample []byte) byte {
	best, bestN, consistent := byte(','), 1, false
	fallback, fallbackN := byte(','), 1
	for _, sep := range guessSeps {
		recs, _, err := sampleRecords(sample, sep, sepProbeRecords, "")
		if err != nil {
			continue
		}
		n := len(recs[0].fields)
		same := true
		for _, r := range recs[1:] {
			if len(r.fields) != n {
				same = false
				break
			}
		}
		if same && n > bestN {
			best, bestN, consistent = sep, n, true
		}
		if n > fallbackN {
			fallback, fallbackN = sep, n
		}
	}
	if consistent {
		return best
	}
	return fallback
}

// guessHeader decides whether the first record names the columns:
//
//  1. Yes if some column is numeric or time in the records below and the
//     first record's token there is neither NA nor of that type ("id" above
//     numbers).
//  2. Otherwise, when every column below is text: yes if the first record's
//     tokens are all non-NA, non-numeric, distinct, and none occurs again in
//     its own column below (a header word is not one of the values).
//  3. A file of one record is a header if its tokens are non-NA,
//     non-numeric and distinct.
//
// Anything else is data: wrongly taking a data row for names loses a row
// quietly, while the opposite is visible at once in the column names.
func guessHeader(recs []sampleRecord, na *naSet) bool {
	first := recs[0].fields
	below := recs[1:]
	seen := make(map[string]bool, len(first))
	allText := true
	for _, tok := range first {
		b := []byte(tok)
		_, isNum := parseNumber(b)
		if na.has(b) || isNum || seen[tok] {
			allText = false
		}
		seen[tok] = true
	}
	if len(below) == 0 {
		return allText
	}
	anyTyped := false
	for j, tok := range first {
		switch guessType(below, j, na) {
		case frame.Numeric:
			if !columnAllNA(below, j, na) {
				anyTyped = true
				if _, ok := parseNumber([]byte(tok)); !ok && !na.has([]byte(tok)) {
					return true
				}
			}
		case frame.Time:
			anyTyped = true
			if _, ok := parseTime([]byte(tok)); !ok && !na.has([]byte(tok)) {
				return true
			}
		}
	}
	if anyTyped || !allText {
		return false
	}
	for j, tok := range first {
		for _, r := range below {
			if r.fields[j] == tok {
				return false
			}
		}
	}
	return true
}

func columnAllNA(recs []sampleRecord, j int, na *naSet) bool {
	for _, r := range recs {
		if !na.has([]byte(r.fields[j])) {
			return false
		}
	}
	return true
}

// guessType: numeric if every non-NA token is a number (also when all are
// NA: a column with no evidence costs least as numbers, and a later text
// value is reported as a mismatch and the column promoted); time if every
// non-NA token is a supported date or date-time; otherwise categorical, or
// string when the values look like IDs or free text (see stringDistinct).
func guessType(recs []sampleRecord, j int, na *naSet) frame.Type {
	num, tim := true, true
	nonNA := 0
	for _, r := range recs {
		b := []byte(r.fields[j])
		if na.has(b) {
			continue
		}
		nonNA++
		if num {
			_, num = parseNumber(b)
		}
		if tim {
			_, tim = parseTime(b)
		}
		if !num && !tim {
			break
		}
	}
	switch {
	case num:
		return frame.Numeric
	case tim:
		return frame.Time
	}
	if len(recs) >= stringMinRows {
		distinct := make(map[string]struct{})
		nonNA = 0
		for _, r := range recs {
			if !na.has([]byte(r.fields[j])) {
				distinct[r.fields[j]] = struct{}{}
				nonNA++
			}
		}
		if nonNA >= stringMinRows && float64(len(distinct)) > stringDistinct*float64(nonNA) {
			return frame.String
		}
	}
	return frame.Categorical
}

// headerNames fills empty names with C<n> and makes repeated names unique,
// because the engine addresses columns by name.
func headerNames(first []string) []string {
	names := make([]string, len(first))
	used := make(map[string]bool, len(first))
	for j, tok := range first {
		name := strings.TrimSpace(tok)
		if name == "" {
			name = "C" + itoa(j+1)
		}
		base := name
		for k := 2; used[name]; k++ {
			name = base + "_" + itoa(k)
		}
		used[name] = true
		names[j] = name
	}
	return names
}

func checkUTF8(b []byte, file string) error {
	if utf8.Valid(b) {
		return nil
	}
	line := 1
	for len(b) > 0 {
		k := bytes.IndexByte(b, '\n')
		l := b
		if k >= 0 {
			l = b[:k]
		}
		if !utf8.Valid(l) {
			return &Error{File: file, Line: line, Msg: "invalid UTF-8; the file must be UTF-8 (or ASCII) text"}
		}
		if k < 0 {
			break
		}
		b = b[k+1:]
		line++
	}
	return nil
}

// check rejects a setup that would make ParseRange misbehave; a setup may
// come over the wire from another process.
func (s *Setup) check() error {
	switch {
	case s == nil:
		return errors.New("parse: nil setup")
	case len(s.Types) == 0:
		return errors.New("parse: setup has no columns")
	case len(s.Names) != len(s.Types):
		return errors.New("parse: setup has " + itoa(len(s.Names)) + " names for " + itoa(len(s.Types)) + " types")
	case s.Sep == 0 || s.Sep == '\n' || s.Sep == '\r' || (s.Sep == s.Quote && s.Quote != 0):
		return errors.New("parse: separator " + strconv.QuoteRune(rune(s.Sep)) + " cannot be used")
	}
	return nil
}
