package parse

import (
	"bytes"
	"sync"
	"testing"

	"github.com/mlctl/mlctl/bench/gen"
)

var (
	airlineOnce sync.Once
	airlineData []byte
)

// airline1M is generated once per test binary: 1M rows, about 35 MB.
func airline1M(b *testing.B) ([]byte, *Setup) {
	airlineOnce.Do(func() {
		var buf bytes.Buffer
		if err := gen.Airline(&buf, 1_000_000, 42); err != nil {
			panic(err)
		}
		airlineData = buf.Bytes()
	})
	s, err := Guess(airlineData[:1<<20], "airline.csv", GuessOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return airlineData, s
}

func BenchmarkParseAirline(b *testing.B) {
	data, s := airline1M(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := ParseRange(data, 0, len(data), s, RangeOptions{AtRecordStart: true, SkipHeader: true, DataEndsFile: true})
		if err != nil || r.Rows != 1_000_000 {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAllAirline2Workers(b *testing.B) {
	data, s := airline1M(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAll(data, s, "airline.csv", 4<<20, 2); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGuessAirline(b *testing.B) {
	data, _ := airline1M(b)
	sample := data[:1<<20]
	b.SetBytes(int64(len(sample)))
	for b.Loop() {
		if _, err := Guess(sample, "airline.csv", GuessOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAirlineRanges is one goroutine parsing the file as the
// engine cuts it, in 4 MiB ranges: the per-core rate of an import.
func BenchmarkParseAirlineRanges(b *testing.B) {
	data, s := airline1M(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAll(data, s, "airline.csv", 4<<20, 1); err != nil {
			b.Fatal(err)
		}
	}
}
