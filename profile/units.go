package profile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// byteUnits are the units a policy size may carry: the binary ones people
// write in Kubernetes and YARN (Ki, Mi, Gi, Ti) and mlctl's flag style
// (k, m, g, t, either case). All are powers of 1024.
var byteUnits = []struct {
	suffix string
	mult   int64
}{
	{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40},
}

// ParseBytes reads a policy size: a whole number of bytes, or a number
// (fractions allowed) followed directly by Ki, Mi, Gi, Ti or k, m, g, t in
// either case, all powers of 1024: "512Mi", "1Gi", "1.5g", "50Gi". Decimal
// units ("10GB", "10 GB") are refused because they are ambiguous; the error
// says which spelling to use.
func ParseBytes(s string) (int64, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("empty size")
	}
	num, mult := in, int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(in, u.suffix) {
			num, mult = strings.TrimSuffix(in, u.suffix), u.mult
			break
		}
	}
	if strings.ContainsAny(num, " \t") || !isNumber(num) {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	if !strings.Contains(num, ".") {
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil || v > math.MaxInt64/mult {
			return 0, fmt.Errorf("size %q is too large", s)
		}
		return v * mult, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	b := math.Round(f * float64(mult))
	if b >= math.MaxInt64 {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return int64(b), nil
}

// sizeHint suggests the accepted spelling of a size someone wrote as
// "10 GB", "10GB" or "10gib".
func sizeHint(s string) string {
	in := strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	i := 0
	for i < len(in) && (in[i] >= '0' && in[i] <= '9' || in[i] == '.') {
		i++
	}
	num, unit := in[:i], strings.ToLower(in[i:])
	if num == "" {
		num = "1"
	}
	unit = strings.TrimSuffix(strings.TrimSuffix(unit, "b"), "i")
	switch unit {
	case "k", "m", "g", "t":
		return fmt.Sprintf("write %s%si (units Ki, Mi, Gi, Ti are powers of 1024; no space)", num, strings.ToUpper(unit))
	}
	return "write a number of bytes or a number with Ki, Mi, Gi or Ti, e.g. 512Mi or 1Gi"
}

func isNumber(s string) bool {
	if s == "" || s == "." {
		return false
	}
	dot := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}

// FormatBytes writes a size with the largest binary unit that divides it
// exactly ("1Gi", "512Mi", "1536Mi"), so ParseBytes reads it back unchanged.
func FormatBytes(b int64) string {
	if b == 0 {
		return "0"
	}
	for _, u := range []struct {
		s string
		m int64
	}{{"Ti", 1 << 40}, {"Gi", 1 << 30}, {"Mi", 1 << 20}, {"Ki", 1 << 10}} {
		if b%u.m == 0 {
			return strconv.FormatInt(b/u.m, 10) + u.s
		}
	}
	return strconv.FormatInt(b, 10)
}

// ParseDuration reads a policy duration: Go's syntax ("30m", "8h", "1h30m")
// plus d for days of 24 hours ("2d", "1d12h"). Negative durations are
// refused; "0" means no limit.
func ParseDuration(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if strings.HasPrefix(in, "-") {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	var days time.Duration
	if i := strings.IndexByte(in, 'd'); i >= 0 {
		n, err := strconv.ParseUint(in[:i], 10, 16)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		days = time.Duration(n) * 24 * time.Hour
		in = in[i+1:]
		if in == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(in)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	if d > math.MaxInt64-days {
		return 0, fmt.Errorf("duration %q is too large", s)
	}
	return days + d, nil
}

// FormatDuration writes a duration so ParseDuration reads it back: whole
// days as "2d", else Go's form with trailing zero units trimmed ("8h", "30m").
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	day := 24 * time.Hour
	var out string
	if d >= day && d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	if d >= day {
		out = strconv.FormatInt(int64(d/day), 10) + "d"
		d %= day
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return out + s
}
