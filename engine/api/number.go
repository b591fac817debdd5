package api

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Number is a float64 that JSON can always carry: a finite value is a JSON
// number; +Inf, -Inf and NaN, which JSON numbers cannot be, are the strings
// "Infinity", "-Infinity" and "NaN" (as JavaScript and Python spell them). A
// column holding inf, or whose sum overflows, still has a summary.
type Number float64

// MarshalJSON implements json.Marshaler.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	switch {
	case math.IsNaN(f):
		return []byte(`"NaN"`), nil
	case math.IsInf(f, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Infinity"`), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *Number) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		switch s {
		case "NaN":
			*n = Number(math.NaN())
		case "Infinity", "+Infinity":
			*n = Number(math.Inf(1))
		case "-Infinity":
			*n = Number(math.Inf(-1))
		default:
			return fmt.Errorf("api: %q is not a number", s)
		}
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("api: %s is not a number", b)
	}
	*n = Number(f)
	return nil
}

// NumberPtr returns a pointer to v as a Number.
func NumberPtr(v float64) *Number {
	n := Number(v)
	return &n
}
