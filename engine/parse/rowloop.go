package parse

import (
	"encoding/binary"
	"math/bits"
)

// run parses records until one would start at or after end.
//
// At 0.5 GB/s a field of a typical file gets about seven nanoseconds (some
// twenty cycles), so the common field cannot afford to be tokenised into a
// slice and then dispatched on its column's type. Two things make it fast:
//
// Terminators come from a bitmap, not a search per field. termBits marks
// every separator and '\n' of a 64-byte block at once; the next field's end
// is then the lowest set bit. Finding a field's end by searching from its
// start makes every field wait for the previous one (load, compare, count
// zeros: a dozen cycles of latency per field); with the bitmap the only
// chain between fields is clearing a bit, so the processor works on several
// fields at a time. Quoted fields are rare and go to the tokenizer; the
// bitmap stays valid across them because quotes do not move bytes (resync
// drops the bits they covered).
//
// Short fields are converted from one word. A code such as "AA" or "c12",
// an integer below ten million, a 0/1 label: an 8-byte load at the field
// start holds the whole field. A categorical key is that word masked to
// the field's length plus the length in the top byte (shortKey's packing);
// an integer is checked and converted with SWAR arithmetic (swarDigits).
//
// Anything else takes the general path with the same result: a field of
// eight bytes or more, an unknown category, NA, a decimal or time goes to
// store; a quote, a ragged row or the end of the data to longField.
func (p *rangeParser) run(t *tokenizer, end int) error {
	data := t.data
	n := len(data)
	quote := t.quote
	if quote == 0 {
		// Nothing opens a quoted field. A '\n' cannot begin a non-empty
		// field, and an empty one at a line end costs only a detour.
		quote = '\n'
	}
	cols := p.cols
	// Terminators at data[base+k] for each bit k of pending; bits for
	// offsets below t.pos are always clear. Few variables live across the
	// field loop on purpose: what spills is reloaded on every field.
	base, pending := t.pos-64, uint64(0)
	for {
		pos := t.pos
		if pos >= end {
			return nil
		}
		if c := data[pos]; c == '\n' || c == '\r' {
			if !t.skipBlank(end) {
				return nil
			}
			pos = t.pos
			base, pending = resync(pos, base, pending)
		}
		p.line = t.lines + 1
		for j := range cols {
			c := &cols[j]
			for pending == 0 && base+64 < n {
				base += 64
				pending = termBits(data, base, t.sep)
			}
			if pending != 0 {
				i := base + bits.TrailingZeros64(pending)
				if data[i] == c.term {
					pending &= pending - 1
					start := pos
					pos = i + 1
					fl := i - start
					if c.term == '\n' {
						t.lines++
						if fl > 0 && data[i-1] == '\r' {
							fl-- // "\r\n" ends a line as one
						}
					}
					// A field that opens with a quote must go to the
					// tokenizer. The test is made on the word where there
					// is one, and before store otherwise.
					if uint(fl-1) < 7 && start+8 <= n {
						x := binary.LittleEndian.Uint64(data[start:])
						if byte(x) != quote {
							m := uint64(1)<<(8*uint(fl)&63) - 1
							switch c.kind {
							case kCategorical:
								if code, ok := c.dict.getShort(x&m | uint64(fl)<<56); ok {
									c.codes = append(c.codes, code)
									continue
								}
							case kNumeric:
								if !c.naFirst {
									if v, ok := swarDigits(x, m, uint(fl)); ok {
										// Below 10^7: int64 converts in one
										// instruction, uint64 needs a branch.
										c.floats = append(c.floats, float64(int64(v)))
										continue
									}
								}
							}
						}
					}
					if data[start] != quote {
						if err := p.store(j, data[start:start+fl], p.line); err != nil {
							return err
						}
						continue
					}
					pos = start // undo, for the tokenizer
					if c.term == '\n' {
						t.lines--
					}
				}
			}
			t.pos = pos
			e, err := p.longField(t, j, p.line)
			if err != nil {
				return err
			}
			if e == endEOF { // only the last field may end the data
				p.rows++
				p.noNLTail = true
				return nil
			}
			pos = t.pos
			base, pending = resync(pos, base, pending)
		}
		t.pos = pos
		p.rows++
	}
}

// resync drops the pending terminators below pos after the tokenizer moved
// there (past a quoted field, a blank line, ...). When pos is outside the
// block the bitmap is refilled lazily, at pos, by the next field.
func resync(pos, base int, pending uint64) (int, uint64) {
	if d := pos - base; d >= 0 && d < 64 {
		return base, pending &^ (1<<uint(d) - 1)
	}
	return pos - 64, 0
}

// termBits returns a bitmap of the separators and '\n's in data[at:at+64]
// (bit k for data[at+k]; fewer bytes at the end of the data).
func termBits(data []byte, at int, sep byte) uint64 {
	if at+64 > len(data) {
		var m uint64
		for k, c := range data[at:] {
			if c == sep || c == '\n' {
				m |= 1 << uint(k)
			}
		}
		return m
	}
	w := data[at : at+64]
	sepMask := lsb * uint64(sep)
	return termByte(binary.LittleEndian.Uint64(w[0:]), sepMask) |
		termByte(binary.LittleEndian.Uint64(w[8:]), sepMask)<<8 |
		termByte(binary.LittleEndian.Uint64(w[16:]), sepMask)<<16 |
		termByte(binary.LittleEndian.Uint64(w[24:]), sepMask)<<24 |
		termByte(binary.LittleEndian.Uint64(w[32:]), sepMask)<<32 |
		termByte(binary.LittleEndian.Uint64(w[40:]), sepMask)<<40 |
		termByte(binary.LittleEndian.Uint64(w[48:]), sepMask)<<48 |
		termByte(binary.LittleEndian.Uint64(w[56:]), sepMask)<<56
}

// termByte returns one bit per byte of x (bit k for byte k) set where the
// byte is the separator or '\n'. The test must be exact for every byte, not
// just the lowest match as in scan: (v&0x7f)+0x7f sets a byte's top bit iff
// its low seven bits are not all zero, and no carry crosses bytes. The
// multiply gathers the eight top bits into the high byte (each partial
// product lands on its own bit, so nothing carries).
func termByte(x, sepMask uint64) uint64 {
	const lo7 = lsb * 0x7f
	a := x ^ sepMask
	b := x ^ (lsb * '\n')
	f := ^(((a & lo7) + lo7 | a) & ((b & lo7) + lo7 | b)) & msb
	return (f >> 7) * 0x0102040810204080 >> 56
}

// longField reads field j with the tokenizer (quoted, or at the end of the
// data, or not ended as expected), checks how it ended and stores it. It
// returns what ended the field; endEOF comes back without an error only for
// the last column of a record that ends the data.
func (p *rangeParser) longField(t *tokenizer, j, line int) (fieldEnd, error) {
	val, e := t.field()
	want := endSep
	if j == len(p.cols)-1 {
		want = endLine
	}
	if e != want {
		if err := p.oddEnd(t, e, j, line); err != nil {
			return e, err
		}
	}
	return e, p.store(j, val, line)
}
