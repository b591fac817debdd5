package cmdutil

import (
	"fmt"
	"strconv"
	"time"

	"github.com/mlctl/mlctl/internal/iostreams"
)

// Bytes formats a byte count: binary units with one decimal on a terminal
// ("1.0 GiB"), the exact integer when piped.
func Bytes(ios *iostreams.IOStreams, n int64) string {
	if !ios.IsStdoutTTY() {
		return strconv.FormatInt(n, 10)
	}
	return HumanBytes(n)
}

// HumanBytes formats n with binary units: 512 B, 1.5 KiB, 1.0 GiB.
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit && n > -unit {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := -1
	for (f >= unit || f <= -unit) && i < len(units)-1 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}

// Time formats t: relative to now on a terminal ("5 minutes ago"), RFC3339
// in UTC when piped. A zero time is empty.
func Time(ios *iostreams.IOStreams, t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	if !ios.IsStdoutTTY() {
		return t.UTC().Format(time.RFC3339)
	}
	return Ago(now.Sub(t))
}

// Ago says how long ago something happened, for people.
func Ago(d time.Duration) string {
	if d < 0 {
		return "just now"
	}
	plural := func(n int, unit string) string {
		if n == 1 {
			return fmt.Sprintf("1 %s ago", unit)
		}
		return fmt.Sprintf("%d %ss ago", n, unit)
	}
	switch {
	case d < time.Minute:
		return plural(int(d/time.Second), "second")
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	default:
		return plural(int(d/(24*time.Hour)), "day")
	}
}

// Duration formats an elapsed time: rounded for people on a terminal
// ("2h5m", "42s"), whole seconds as a Go duration string when piped
// ("2h5m12s", which time.ParseDuration reads back).
func Duration(ios *iostreams.IOStreams, d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if !ios.IsStdoutTTY() {
		return d.Round(time.Second).String()
	}
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return trimZeroSeconds(d.Truncate(time.Second).String())
	default:
		return trimZeroSeconds(d.Truncate(time.Minute).String())
	}
}

func trimZeroSeconds(s string) string {
	if len(s) > 2 && s[len(s)-2:] == "0s" && s[len(s)-3] >= 'a' {
		return s[:len(s)-2]
	}
	return s
}
