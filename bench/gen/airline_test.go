package gen

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

func TestAirlineDeterministicAndWellFormed(t *testing.T) {
	var a, b, c bytes.Buffer
	if err := Airline(&a, 5000, 7); err != nil {
		t.Fatal(err)
	}
	if err := Airline(&b, 5000, 7); err != nil {
		t.Fatal(err)
	}
	if err := Airline(&c, 5000, 8); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same seed gave different bytes")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("different seeds gave the same bytes")
	}
	lines := strings.Split(strings.TrimSuffix(a.String(), "\n"), "\n")
	if lines[0]+"\n" != AirlineHeader || len(lines) != 5001 {
		t.Fatalf("header %q, %d lines", lines[0], len(lines))
	}
	empty, origins := 0, map[string]int{}
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) != 9 {
			t.Fatalf("line %d: %d fields", i+2, len(f))
		}
		for j, hi := range []int{12, 31, 7} {
			v, err := strconv.Atoi(strings.TrimPrefix(f[j], "c"))
			if !strings.HasPrefix(f[j], "c") || err != nil || v < 1 || v > hi {
				t.Fatalf("line %d: column %d = %q", i+2, j, f[j])
			}
		}
		if f[3] == "" {
			empty++
		} else if v, err := strconv.Atoi(f[3]); err != nil || v < 1 || v > 2400 {
			t.Fatalf("line %d: DepTime %q", i+2, f[3])
		}
		if len(f[4]) != 2 || len(f[5]) != 3 || len(f[6]) != 3 {
			t.Fatalf("line %d: codes %q %q %q", i+2, f[4], f[5], f[6])
		}
		origins[f[5]]++
		if v, err := strconv.Atoi(f[7]); err != nil || v < 30 || v > 5000 {
			t.Fatalf("line %d: Distance %q", i+2, f[7])
		}
		if f[8] != "0" && f[8] != "1" {
			t.Fatalf("line %d: IsDelayed %q", i+2, f[8])
		}
	}
	if empty < 50 || empty > 150 { // 2% of 5000 = 100
		t.Errorf("%d empty DepTime values, want about 100", empty)
	}
	if len(origins) < 50 {
		t.Errorf("only %d distinct origins", len(origins))
	}
	top := 0
	for _, n := range origins {
		top = max(top, n)
	}
	if top < 5000/20 {
		t.Errorf("most common origin has %d rows; expected a skew", top)
	}
}
