package cmdutil

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseMemory reads a memory size as people write it for JVM-style tools:
// a number with an optional binary unit. "1g", "2G", "1.5g", "512m", "64k",
// "1t", "1gi", "1GiB", "512MB" and a plain byte count "1073741824" are all
// accepted; k, m, g and t are powers of 1024. The result is a whole, positive
// number of bytes.
func ParseMemory(s string) (int64, error) {
	in := strings.TrimSpace(s)
	bad := func(why string) error {
		return fmt.Errorf("invalid memory size %q: %s; use a number with an optional unit k, m, g or t (1g = 1024m), e.g. 512m, 1g or 1.5g", s, why)
	}
	if in == "" {
		return 0, bad("empty")
	}
	lower := strings.ToLower(in)
	lower = strings.TrimSuffix(lower, "b")
	lower = strings.TrimSuffix(lower, "i")
	mult := int64(1)
	if n := len(lower); n > 0 {
		switch lower[n-1] {
		case 'k':
			mult = 1 << 10
		case 'm':
			mult = 1 << 20
		case 'g':
			mult = 1 << 30
		case 't':
			mult = 1 << 40
		}
		if mult != 1 {
			lower = lower[:n-1]
		}
	}
	if mult == 1 && lower != strings.TrimSuffix(strings.ToLower(in), "b") {
		// "5i" or "5ib" without a unit letter.
		return 0, bad("unknown unit")
	}
	num := strings.TrimSpace(lower)
	if num == "" {
		return 0, bad("no number")
	}
	for _, r := range num {
		if (r < '0' || r > '9') && r != '.' {
			return 0, bad("not a number")
		}
	}
	if !strings.Contains(num, ".") {
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, bad("too large")
		}
		if v <= 0 {
			return 0, bad("must be more than 0")
		}
		if v > math.MaxInt64/mult {
			return 0, bad("too large")
		}
		return v * mult, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, bad("not a number")
	}
	b := math.Round(f * float64(mult))
	if b < 1 {
		return 0, bad("must be at least 1 byte")
	}
	if b >= math.MaxInt64 {
		return 0, bad("too large")
	}
	return int64(b), nil
}

// MemoryValue is a pflag.Value for --memory style flags: it stores bytes and
// prints as the user wrote it, so help shows "(default 1g)".
type MemoryValue struct {
	Bytes int64
	text  string
}

// NewMemoryValue returns a MemoryValue holding def (which must parse).
func NewMemoryValue(def string) *MemoryValue {
	b, err := ParseMemory(def)
	if err != nil {
		panic(err)
	}
	return &MemoryValue{Bytes: b, text: def}
}

func (m *MemoryValue) String() string { return m.text }

// Set parses a size; a bad one fails flag parsing (exit 2).
func (m *MemoryValue) Set(s string) error {
	b, err := ParseMemory(s)
	if err != nil {
		return err
	}
	m.Bytes, m.text = b, s
	return nil
}

// Type is shown in help ("--memory size").
func (m *MemoryValue) Type() string { return "size" }
