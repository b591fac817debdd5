package parse

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// checkNumber compares parseNumber with strconv.ParseFloat, the reference:
// same acceptance (a range error counts as accepted) and the same bits.
func checkNumber(t *testing.T, s string) {
	t.Helper()
	want, err := strconv.ParseFloat(s, 64)
	wantOK := err == nil || strings.Contains(err.Error(), "out of range")
	got, ok := parseNumber([]byte(s))
	if ok != wantOK {
		t.Fatalf("parseNumber(%q) ok=%v, strconv ok=%v (%v)", s, ok, wantOK, err)
	}
	if ok && math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
		t.Fatalf("parseNumber(%q) = %v (%#x), strconv %v (%#x)", s, got, math.Float64bits(got), want, math.Float64bits(want))
	}
}

func TestParseNumberCases(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "+0", "00", "007", "1", "-1", "+1", "123456789012345", "1234567890123456",
		"9007199254740992", "9007199254740993", "18446744073709551615", "99999999999999999999",
		"1.5", "-1.5", ".5", "5.", "-.5", "+.5", ".", "-", "+", "", "e5", "1e", "1e+", "1e-",
		"1e5", "1E5", "1e+05", "1e-5", "1e22", "1e23", "1e-22", "1e-23", "123.456e-7",
		"0.1", "0.3", "3.14159265358979323846", "2.2250738585072014e-308", "4.9e-324", "1e-400",
		"1.7976931348623157e308", "1.8e308", "1e400", "-1e400", "0.000000000000000000000000001",
		"inf", "+Inf", "-INF", "infinity", "-Infinity", "nan", "NaN", "NAN", "infx", "in",
		"0x1p-2", "0X1.8P3", "0x10", "1_000", "1__0", "_1", "1_", "0b101", "1.2.3", "1e5e5",
		"12a", "a12", " 1", "1 ", "١٢", "1,5", "--1", "+-1", "1e1000000000000", "0e99999999999",
	} {
		checkNumber(t, s)
	}
}

func TestParseNumberRandomFormatted(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fmts := []byte{'e', 'E', 'f', 'g', 'G'}
	for range 200000 {
		var f float64
		switch r.IntN(4) {
		case 0:
			f = math.Float64frombits(r.Uint64())
		case 1:
			f = r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
		case 2:
			f = float64(r.Int64N(1<<54) - 1<<53)
		default:
			f = float64(r.IntN(100000)) / math.Pow(10, float64(r.IntN(8)))
		}
		prec := r.IntN(20) - 1
		checkNumber(t, strconv.FormatFloat(f, fmts[r.IntN(len(fmts))], prec, 64))
	}
}

func TestParseNumberRandomDigits(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0123456789000.eE+-"
	var b []byte
	for range 300000 {
		b = b[:0]
		if r.IntN(3) == 0 {
			b = append(b, "+-"[r.IntN(2)])
		}
		for range 1 + r.IntN(8) {
			b = append(b, '0'+byte(r.IntN(10)))
		}
		if r.IntN(2) == 0 {
			b = append(b, '.')
			for range r.IntN(22) {
				b = append(b, '0'+byte(r.IntN(10)))
			}
		}
		if r.IntN(3) == 0 {
			b = append(b, 'e')
			if r.IntN(2) == 0 {
				b = append(b, '-')
			}
			b = strconv.AppendInt(b, int64(r.IntN(30)), 10)
		}
		if r.IntN(20) == 0 { // noise anywhere
			k := r.IntN(len(b) + 1)
			b = append(b[:k], append([]byte{alphabet[r.IntN(len(alphabet))]}, b[k:]...)...)
		}
		checkNumber(t, string(b))
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1", "-0.5e-3", "1e22", "12345678901234567890", "inf", "0x1p3", "1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkNumber(t, s) })
}

// TestSwarDigits compares swarDigits with parseNumber on every length and a
// spread of values and non-digit bytes, including bytes above the field.
func TestSwarDigits(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	check := func(field []byte, above byte) {
		n := uint(len(field))
		var w [8]byte
		copy(w[:], field)
		for i := n; i < 8; i++ {
			w[i] = above
		}
		x := uint64(0)
		for i := 7; i >= 0; i-- {
			x = x<<8 | uint64(w[i])
		}
		got, ok := swarDigits(x, uint64(1)<<(8*n)-1, n)
		want, wantOK := parseNumber(field)
		allDigits := true
		for _, c := range field {
			allDigits = allDigits && c >= '0' && c <= '9'
		}
		if ok != allDigits || (ok && (!wantOK || float64(got) != want)) {
			t.Fatalf("swarDigits(%q) = %d, %v; parseNumber %v, %v", field, got, ok, want, wantOK)
		}
	}
	for v := range 100000 {
		s := []byte(strconv.Itoa(v))
		check(s, ',')
		check(s, byte(r.Uint32()))
	}
	for range 200000 {
		n := 1 + r.IntN(7)
		b := make([]byte, n)
		for i := range b {
			if r.IntN(8) == 0 {
				b[i] = byte(r.Uint32())
			} else {
				b[i] = byte('0' + r.IntN(10))
			}
		}
		check(b, byte(r.Uint32()))
	}
}
