package parse

import "encoding/binary"

// catDict maps a categorical column's values to codes. Most categorical
// tokens in real files are short codes ("AA", "ORD", "c12"), so values of up
// to 7 bytes are packed with their length into one uint64 and found in an
// open-addressing table with a multiplicative hash: no string hashing, no
// byte comparison, no allocation. Longer values use a Go map, whose
// m[string(b)] lookup does not allocate either. Packing is exact (the length
// byte keeps "a" and "a\x00" apart), so the table never needs to confirm a
// hit against the bytes.
type catDict struct {
	slots []catSlot // len is a power of two; key 0 marks an empty slot
	shift uint8     // 64 - log2(len(slots))
	used  int
	long  map[string]int32
}

type catSlot struct {
	key  uint64
	code int32
}

func newCatDict() catDict {
	return catDict{slots: make([]catSlot, 64), shift: 64 - 6, long: map[string]int32{}}
}

// shortKey packs b when it has 1 to 7 bytes. When b's backing array has room
// (it usually does: b is a window on the input), one 8-byte load and a mask
// replace the byte loop; the bytes past len(b) are masked off.
func shortKey(b []byte) (uint64, bool) {
	n := len(b)
	if uint(n-1) > 6 { // n == 0 wraps around
		return 0, false
	}
	var k uint64
	if cap(b) >= 8 {
		k = binary.LittleEndian.Uint64(b[:8]) & (1<<(8*uint(n)) - 1)
	} else {
		for i := n - 1; i >= 0; i-- {
			k = k<<8 | uint64(b[i])
		}
	}
	return k | uint64(n)<<56, true
}

func (d *catDict) slot(k uint64) int {
	mask := len(d.slots) - 1
	// shift&63 tells the compiler the shift is below 64, sparing the
	// out-of-range handling on this hot path; shift is 64-log2(len) anyway.
	i := int((k*0x9E3779B97F4A7C15)>>(d.shift&63)) & mask
	for {
		s := &d.slots[i]
		if s.key == k || s.key == 0 {
			return i
		}
		i = (i + 1) & mask
	}
}

// getShort looks up a key already packed as shortKey packs it (the row loop
// builds it from the word it scanned the field with).
func (d *catDict) getShort(k uint64) (int32, bool) {
	s := &d.slots[d.slot(k)]
	return s.code, s.key != 0
}

func (d *catDict) get(b []byte) (int32, bool) {
	if k, ok := shortKey(b); ok {
		s := &d.slots[d.slot(k)]
		return s.code, s.key != 0
	}
	code, ok := d.long[string(b)]
	return code, ok
}

// put adds b, which get has just reported absent.
func (d *catDict) put(b []byte, code int32) {
	k, ok := shortKey(b)
	if !ok {
		d.long[string(b)] = code
		return
	}
	if 2*(d.used+1) > len(d.slots) {
		d.grow()
	}
	d.slots[d.slot(k)] = catSlot{key: k, code: code}
	d.used++
}

func (d *catDict) grow() {
	old := d.slots
	d.slots = make([]catSlot, 2*len(old))
	d.shift--
	for _, s := range old {
		if s.key != 0 {
			d.slots[d.slot(s.key)] = s
		}
	}
}
