package parse

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// fieldEnd says what stopped a field.
type fieldEnd uint8

const (
	endSep  fieldEnd = iota // a separator: more fields follow in this record
	endLine                 // '\n' (a "\r\n" is taken as one line end)
	endEOF                  // the data ended: the record may be cut short
	endOpen                 // the data ended inside a quoted field
	endBad                  // a quoting error; the field is unusable
)

// tokenizer cuts delimited text into fields. It is shared by Guess and
// ParseRange so that both agree, byte for byte, on where records end; the
// chaining protocol depends on that agreement.
//
// Quoting follows RFC 4180 leniently: a quote opens a quoted field only as the
// field's first byte (a quote inside an unquoted field such as 5'11" is
// literal), "" inside a quoted field is one quote, and separators and line
// ends inside quotes are data. After a closing quote only a separator or a
// line end may follow; anything else is an error, because guessing what the
// writer meant would silently shift columns.
type tokenizer struct {
	data    []byte
	sep     byte
	quote   byte
	pos     int
	lines   int    // '\n' bytes consumed so far, including those inside quotes
	scratch []byte // unescaped quoted field with doubled quotes
	badMsg  string // why the last field ended with endBad
}

// field returns the next field and what ended it, and advances past the
// terminator. The returned bytes alias data or the scratch buffer: they are
// valid until the next call.
func (t *tokenizer) field() ([]byte, fieldEnd) {
	data, pos := t.data, t.pos
	n := len(data)
	if pos < n && data[pos] == t.quote && t.quote != 0 {
		return t.quoted()
	}
	i, isNL := t.scan(pos)
	if i == n {
		t.pos = n
		return trimCR(data[pos:n]), endEOF
	}
	// No branch on which terminator was found: in a record loop it
	// alternates between separator and newline and would be mispredicted
	// once a line.
	t.pos = i + 1
	t.lines += isNL
	e := i
	if isNL != 0 && e > pos && data[e-1] == '\r' {
		e--
	}
	return data[pos:e], fieldEnd(isNL)
}

func trimCR(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\r' {
		return b[:len(b)-1]
	}
	return b
}

func (t *tokenizer) quoted() ([]byte, fieldEnd) {
	data, q := t.data, t.quote
	n := len(data)
	begin := t.pos + 1
	i := begin
	escaped := false
	for {
		k := bytes.IndexByte(data[i:], q)
		if k < 0 {
			t.lines += bytes.Count(data[i:], nl)
			t.pos = n
			t.badMsg = "unterminated quoted field"
			return nil, endOpen
		}
		i += k
		if i+1 < n && data[i+1] == q {
			escaped = true
			i += 2
			continue
		}
		break
	}
	val := data[begin:i]
	t.lines += bytes.Count(val, nl)
	if escaped {
		t.scratch = unescape(t.scratch[:0], val, q)
		val = t.scratch
	}
	i++ // past the closing quote
	if i == n {
		t.pos = n
		return val, endEOF
	}
	switch c := data[i]; {
	case c == t.sep:
		t.pos = i + 1
		return val, endSep
	case c == '\n':
		t.pos = i + 1
		t.lines++
		return val, endLine
	case c == '\r' && i+1 < n && data[i+1] == '\n':
		t.pos = i + 2
		t.lines++
		return val, endLine
	case c == '\r' && i+1 == n:
		t.pos = n
		return val, endEOF
	}
	t.pos = i
	t.badMsg = "unexpected character after a closing quote; a quote inside a quoted field must be doubled"
	return nil, endBad
}

var nl = []byte{'\n'}

func unescape(dst, val []byte, q byte) []byte {
	for {
		k := bytes.IndexByte(val, q)
		if k < 0 {
			return append(dst, val...)
		}
		dst = append(dst, val[:k+1]...)
		val = val[k+2:] // skip the second quote of the pair
	}
}

// skipBlank consumes empty lines ("\n" or "\r\n") at the current position and
// reports whether any remain before limit. A lone "\r" at the very end of the
// data also counts as blank.
func (t *tokenizer) skipBlank(limit int) bool {
	data := t.data
	n := len(data)
	for t.pos < limit {
		p := t.pos
		switch {
		case data[p] == '\n':
			t.pos++
			t.lines++
		case data[p] == '\r' && p+1 < n && data[p+1] == '\n':
			t.pos += 2
			t.lines++
		case data[p] == '\r' && p+1 == n:
			t.pos++
		default:
			return true
		}
	}
	return false
}

// skipRecord passes over one record without looking at its fields; it is how
// a header line is skipped.
func (t *tokenizer) skipRecord() fieldEnd {
	for {
		_, e := t.field()
		if e != endSep {
			return e
		}
	}
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// scan returns the index of the first separator or '\n' at or after i (or
// len(data)), and 1 if it is a '\n'. Fields are short, so a byte loop spends most of its time on
// branches; testing eight bytes per step with the classic has-zero-byte
// trick (x-1 borrows through a zero byte and sets its top bit) finds a
// typical field's end in one step. False positives can only occur above the
// first real match, and only the lowest match is used.
func (t *tokenizer) scan(i int) (int, int) {
	data := t.data
	n := len(data)
	sepMask := lsb * uint64(t.sep)
	for i+8 <= n {
		x := binary.LittleEndian.Uint64(data[i:])
		a := x ^ sepMask
		b := x ^ (lsb * '\n')
		sh := (a - lsb) &^ a & msb
		nh := (b - lsb) &^ b & msb
		if hit := sh | nh; hit != 0 {
			z := bits.TrailingZeros64(hit)
			return i + z>>3, int(nh>>z) & 1
		}
		i += 8
	}
	return t.scanTail(i)
}

// scanTail is scan's byte loop for the last few bytes of the data.
func (t *tokenizer) scanTail(i int) (int, int) {
	data := t.data
	for ; i < len(data); i++ {
		if c := data[i]; c == t.sep {
			return i, 0
		} else if c == '\n' {
			return i, 1
		}
	}
	return len(data), 0
}
