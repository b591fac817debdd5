package chunk

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// checkStrings holds a Str chunk to the reference: vals with NA flags.
func checkStrings(t *testing.T, c Chunk, vals []string, na []bool) {
	t.Helper()
	for _, c := range []Chunk{c, roundTrip(t, c)} {
		if c.Encoding() != Str || c.Len() != len(vals) {
			t.Fatalf("got %v chunk of %d rows, want Str of %d", c.Encoding(), c.Len(), len(vals))
		}
		fs := c.Floats(nil)
		for i, want := range vals {
			isNA := na != nil && na[i]
			got, ok := c.String(i)
			switch {
			case c.IsNA(i) != isNA:
				t.Fatalf("row %d: IsNA = %v, want %v", i, c.IsNA(i), isNA)
			case isNA && (ok || got != ""):
				t.Fatalf("row %d: NA row returned %q, %v", i, got, ok)
			case !isNA && (!ok || got != want):
				t.Fatalf("row %d: got %q, %v; want %q", i, got, ok, want)
			case c.Float(i) == c.Float(i) || fs[i] == fs[i]:
				t.Fatalf("row %d: Str chunk Float is a number", i)
			}
		}
	}
}

func roundTrip(t *testing.T, c Chunk) Chunk {
	t.Helper()
	back, err := Unmarshal(Marshal(c))
	if err != nil {
		t.Fatalf("Unmarshal(Marshal(%v chunk)): %v", c.Encoding(), err)
	}
	if !Equal(c, back) {
		t.Fatalf("%v chunk not Equal after round trip", c.Encoding())
	}
	return back
}

func TestEncodeStrings(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range lengths {
		for _, rate := range []float64{0, 0.1, 1} {
			vals := make([]string, n)
			var na []bool
			if rate > 0 {
				na = make([]bool, n)
			}
			for i := range vals {
				vals[i] = strings.Repeat(string(rune('a'+r.IntN(26))), r.IntN(12))
				if na != nil && r.Float64() < rate {
					na[i] = true
				}
			}
			if n > 3 {
				vals[1] = "ünïcödé, \x00 and \"quotes\"" // bytes are kept as given
				vals[2] = ""                             // empty is not NA
			}
			c := EncodeStrings(vals, na)
			checkStrings(t, c, vals, na)
			if n == 1000 && rate == 0 {
				total := 0
				for _, s := range vals {
					total += len(s)
				}
				if mb := c.MemBytes(); mb > hdrBytes+4*(n+1)+total {
					t.Fatalf("MemBytes %d, more than offsets plus %d bytes of text", mb, total)
				}
			}
		}
	}
}

func TestEncodeStringsDropsNAText(t *testing.T) {
	c := EncodeStrings([]string{"keep", "drop me", "also"}, []bool{false, true, false})
	if got := c.(*strChunk).data; got != "keepalso" {
		t.Fatalf("stored text %q, want %q", got, "keepalso")
	}
}

func TestEncodeStringsBadNA(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("mismatched NA flags did not panic")
		}
	}()
	EncodeStrings([]string{"a", "b"}, []bool{true})
}

func TestStringsEqual(t *testing.T) {
	a := EncodeStrings([]string{"x", "", "z"}, []bool{false, true, false})
	cases := []struct {
		vals []string
		na   []bool
		want bool
	}{
		{[]string{"x", "ignored", "z"}, []bool{false, true, false}, true},
		{[]string{"x", "", "z"}, nil, false}, // "" is not NA
		{[]string{"x", "", "y"}, []bool{false, true, false}, false},
		{[]string{"x", ""}, []bool{false, true}, false},
	}
	for i, tc := range cases {
		if got := Equal(a, EncodeStrings(tc.vals, tc.na)); got != tc.want {
			t.Errorf("case %d: Equal = %v, want %v", i, got, tc.want)
		}
	}
}
