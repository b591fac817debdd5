package parse

import (
	"math/rand/v2"
	"testing"
	"time"
)

// refTime is the slow reference: the layouts tried with time.Parse.
func refTime(s string) (int64, bool) {
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05", time.RFC3339Nano} {
		if tm, err := time.Parse(layout, s); err == nil {
			if layout == time.RFC3339Nano && len(s) > 19 && s[10] != 'T' {
				continue // time.Parse accepts a space there; we do not promise it
			}
			// Floor to the millisecond, as the engine does (UnixMilli
			// truncates toward zero, which differs before 1970).
			return tm.Unix()*1000 + int64(tm.Nanosecond()/1e6), true
		}
	}
	return 0, false
}

func TestParseTimeCases(t *testing.T) {
	cases := []struct {
		in   string
		ms   int64
		okay bool
	}{
		{"1970-01-01", 0, true},
		{"2024-02-29", 1709164800000, true},
		{"2023-02-29", 0, false},
		{"2000-02-29 12:00:00", 951825600000, true},
		{"1900-02-29", 0, false},
		{"1969-12-31 23:59:59.999", -1, true},
		{"1969-12-31 23:59:59.9995", -1, true}, // truncated below the millisecond
		{"2021-06-01T10:00:00Z", 1622541600000, true},
		{"2021-06-01T12:00:00+02:00", 1622541600000, true},
		{"2021-06-01T05:30:00-04:30", 1622541600000, true},
		{"2021-06-01T10:00:00.123456789Z", 1622541600123, true},
		{"2021-06-01T10:00:00", 1622541600000, true},
		{"2021-06-01 10:00:00Z", 0, false},
		{"2021-06-01 24:00:00", 0, false},
		{"2021-13-01", 0, false},
		{"2021-1-01", 0, false},
		{"2021-06-01 10:00", 0, false},
		{"2021-06-01T10:00:00.Z", 0, false},
		{"2021-06-01T10:00:00+0200", 0, false},
		{"0000-01-01", -62167219200000, true},
		{"9999-12-31 23:59:59", 253402300799000, true},
		{"", 0, false},
		{"20210601", 0, false},
	}
	for _, c := range cases {
		ms, ok := parseTime([]byte(c.in))
		if ok != c.okay || (ok && ms != c.ms) {
			t.Errorf("parseTime(%q) = %d, %v; want %d, %v", c.in, ms, ok, c.ms, c.okay)
		}
	}
}

func TestParseTimeMatchesTimeParse(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	layouts := []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02 15:04:05.000", "2006-01-02T15:04:05Z07:00",
		"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05"}
	for range 100000 {
		sec := r.Int64N(400*365*86400) - 200*365*86400
		tm := time.Unix(sec, r.Int64N(1e9)).In(time.FixedZone("", (r.IntN(48)-24)*1800))
		s := tm.Format(layouts[r.IntN(len(layouts))])
		want, wantOK := refTime(s)
		got, ok := parseTime([]byte(s))
		if !wantOK || !ok {
			t.Fatalf("%q: ok=%v, reference ok=%v", s, ok, wantOK)
		}
		if got != want {
			t.Fatalf("%q: %d, reference %d", s, got, want)
		}
	}
}
