package krb

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// validateCCache walks a FILE ccache (versions 3 and 4, which MIT and
// Heimdal write) checking every length and count against the bytes left,
// before gokrb5 parses it: gokrb5 trusts those fields, so a corrupt file
// could make it allocate gigabytes or index out of range. The format is
// MIT's ccache file format: header, default principal, then credentials.
func validateCCache(b []byte) error {
	r := ccReader{b: b}
	if r.u8() != 5 {
		return errors.New("not a ticket cache (first byte is not 5)")
	}
	v := r.u8()
	if v != 3 && v != 4 {
		return fmt.Errorf("ticket cache format version %d is not supported (want 3 or 4)", v)
	}
	if v == 4 {
		r.skip(int(r.u16()))
	}
	r.principal()
	for r.err == nil && r.off < len(b) {
		r.principal() // client
		r.principal() // server
		r.u16()       // key type
		if v == 3 {
			r.u16() // repeated in version 3
		}
		r.data()      // key
		r.skip(4 * 4) // auth, start, end, renew-till
		r.skip(1 + 4) // is_skey, flags
		for n := r.count(6); n > 0 && r.err == nil; n-- {
			r.u16() // address type
			r.data()
		}
		for n := r.count(6); n > 0 && r.err == nil; n-- {
			r.u16() // authdata type
			r.data()
		}
		r.data() // ticket
		r.data() // second ticket
	}
	return r.err
}

type ccReader struct {
	b   []byte
	off int
	err error
}

func (r *ccReader) need(n int) bool {
	if r.err == nil && (n < 0 || n > len(r.b)-r.off) {
		r.err = fmt.Errorf("ticket cache truncated or corrupt at byte %d", r.off)
	}
	return r.err == nil
}

func (r *ccReader) skip(n int) {
	if r.need(n) {
		r.off += n
	}
}

func (r *ccReader) u8() byte {
	if !r.need(1) {
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *ccReader) u16() uint16 {
	if !r.need(2) {
		return 0
	}
	r.off += 2
	return binary.BigEndian.Uint16(r.b[r.off-2:])
}

func (r *ccReader) u32() uint32 {
	if !r.need(4) {
		return 0
	}
	r.off += 4
	return binary.BigEndian.Uint32(r.b[r.off-4:])
}

// count reads a count of items at least min bytes each, refusing counts
// the remaining bytes cannot hold.
func (r *ccReader) count(min int) int {
	n := r.u32()
	if r.err == nil && uint64(n)*uint64(min) > uint64(len(r.b)-r.off) {
		r.err = fmt.Errorf("ticket cache corrupt: count %d at byte %d", n, r.off-4)
		return 0
	}
	return int(n)
}

func (r *ccReader) data() { r.skip(r.count(1)) }

func (r *ccReader) principal() {
	r.u32() // name type
	n := r.count(4)
	r.data() // realm
	for ; n > 0 && r.err == nil; n-- {
		r.data()
	}
}
