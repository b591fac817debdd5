package cmdutil

import (
	"strings"
	"testing"
)

func TestParseMemory(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"1g", 1 << 30},
		{"2G", 2 << 30},
		{"512m", 512 << 20},
		{"1.5g", 1536 << 20},
		{"1073741824", 1073741824},
		{"64k", 64 << 10},
		{"1t", 1 << 40},
		{"1gi", 1 << 30},
		{"1GiB", 1 << 30},
		{"512MB", 512 << 20},
		{" 1g ", 1 << 30},
		{"100b", 100},
	}
	for _, tt := range tests {
		got, err := ParseMemory(tt.in)
		if err != nil {
			t.Errorf("ParseMemory(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseMemory(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseMemoryErrors(t *testing.T) {
	for _, in := range []string{"", "g", "abc", "1x", "-1g", "0", "0g", "1e3", "1.2.3g", "5i", "99999999999t", "1 g g", "0.0000001k"} {
		_, err := ParseMemory(in)
		if err == nil {
			t.Errorf("ParseMemory(%q): want an error", in)
			continue
		}
		if !strings.Contains(err.Error(), "e.g. 512m") {
			t.Errorf("ParseMemory(%q): error should show examples: %v", in, err)
		}
	}
}

func FuzzParseMemory(f *testing.F) {
	for _, s := range []string{"1g", "1.5G", "512m", "1073741824", "x", "", "1GiB", "9e9t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseMemory(s)
		if err == nil && n <= 0 {
			t.Fatalf("ParseMemory(%q) = %d without error", s, n)
		}
	})
}

func TestMemoryValue(t *testing.T) {
	m := NewMemoryValue("1g")
	if m.String() != "1g" || m.Bytes != 1<<30 {
		t.Fatalf("default: %q %d", m.String(), m.Bytes)
	}
	if err := m.Set("nope"); err == nil {
		t.Fatal("Set(nope) should fail")
	}
	if err := m.Set("2g"); err != nil || m.Bytes != 2<<30 {
		t.Fatalf("Set(2g): %v %d", err, m.Bytes)
	}
}

func TestHumanBytes(t *testing.T) {
	tests := map[int64]string{0: "0 B", 512: "512 B", 1024: "1.0 KiB", 1 << 30: "1.0 GiB", 1536 << 20: "1.5 GiB"}
	for in, want := range tests {
		if got := HumanBytes(in); got != want {
			t.Errorf("HumanBytes(%d) = %q, want %q", in, got, want)
		}
	}
}
