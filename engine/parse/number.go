package parse

import (
	"errors"
	"strconv"
)

// pow10 holds the powers of ten that float64 represents exactly. With a
// mantissa below 2^53 (also exact), one multiply or divide by one of these is
// a single correctly rounded IEEE operation, so the result equals the
// correctly rounded decimal value, which is what strconv returns (Clinger's
// fast path; strconv takes the same path internally).
var pow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// parseNumber reads b as a float64 with exactly strconv.ParseFloat(b, 64)'s
// result and acceptance. Values out of range are accepted as ±Inf (or 0), as
// strconv returns them, because a huge number is still a number, not text.
// The common CSV shapes (integers, plain decimals, small exponents) never
// leave this function; anything else (long mantissas, big exponents, hex,
// underscores, inf/nan spellings) goes to strconv, which does not allocate for
// short inputs since its error path copies the string.
func parseNumber(b []byte) (float64, bool) {
	n := len(b)
	if n == 0 {
		return 0, false
	}
	i := 0
	neg := false
	if c := b[0]; c == '-' || c == '+' {
		neg = c == '-'
		i = 1
	}
	// Integers are most numbers in data files: take them in one tight loop.
	// Up to 15 digits the value is below 2^53 and exact as a float64.
	var mant uint64
	d0 := i
	for ; i < n; i++ {
		c := b[i] - '0'
		if c > 9 {
			break
		}
		mant = mant*10 + uint64(c)
	}
	nd := i - d0 // digits taken into mant, leading zeros included
	if i == n && nd > 0 && nd <= 15 {
		f := float64(mant)
		if neg {
			f = -f
		}
		return f, true
	}
	if nd > 19 {
		return slowNumber(b)
	}
	exp := 0 // decimal exponent adjustment
	sawDigits := nd > 0
	if i < n && b[i] == '.' {
		i++
		f0 := i
		for ; i < n; i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			mant = mant*10 + uint64(c)
		}
		nf := i - f0
		if nd+nf > 19 {
			return slowNumber(b)
		}
		sawDigits = sawDigits || nf > 0
		exp = -nf
	}
	if !sawDigits {
		return slowNumber(b) // "inf", "nan", "0x..", or junk
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < n && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		if i == n {
			return 0, false
		}
		e := 0
		for ; i < n; i++ {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			if e > 10000 {
				return slowNumber(b)
			}
			e = e*10 + int(c)
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != n {
		return slowNumber(b) // underscores, hex, trailing junk
	}
	f := float64(mant)
	switch {
	case mant == 0:
	case mant > 1<<53:
		return slowNumber(b)
	case exp == 0:
	case exp > 0 && exp <= 22:
		f *= pow10[exp]
	case exp < 0 && exp >= -22:
		f /= pow10[-exp]
	default:
		return slowNumber(b)
	}
	if neg {
		f = -f
	}
	return f, true
}

// swarDigits reads the unsigned decimal integer held in the low n bytes of
// x (1 <= n <= 7, the first digit in the lowest byte; m is the mask of those
// bytes), all eight at once: a CSV integer column is mostly one- to
// four-digit values, and a byte loop over them spends its time on the
// mispredicted exit, not on the digits. It reports false unless every byte
// is '0'..'9'. The value is below 10^7, so it converts to float64 exactly,
// as strconv.ParseFloat would.
func swarDigits(x, m uint64, n uint) (uint64, bool) {
	d := x ^ (lsb * '0') // digits become 0..9, every other byte 10 or more
	// d+0x76 sets a byte's top bit when d >= 10; d's own top bit catches the
	// bytes whose sum would carry out (d >= 0x8a). A carry out of a byte
	// can only flag the byte above it, and then the field is rejected anyway.
	if ((d+lsb*0x76)|d)&m&msb != 0 {
		return 0, false
	}
	// Shift the digits to the top: the bytes below become leading zeros of
	// an eight-digit number, first digit lowest. Then combine neighbouring
	// digits, pairs, and quads (each step multiplies the lower part by its
	// weight and adds the upper, in one multiply).
	v := (d & m) << ((64 - 8*n) & 63)
	v = (v * (10<<8 + 1)) >> 8 & 0x00ff00ff00ff00ff
	v = (v * (100<<16 + 1)) >> 16 & 0x0000ffff0000ffff
	v = (v * (10000<<32 + 1)) >> 32
	return v, true
}

func slowNumber(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}
