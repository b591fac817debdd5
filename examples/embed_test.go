package examples

import (
	"bytes"
	"os"
	"testing"
)

func TestAirlineSample(t *testing.T) {
	lines := bytes.Count(AirlineSample, []byte("\n"))
	if lines != 5001 {
		t.Fatalf("airline sample has %d lines, want 5001 (header + 5000 rows)", lines)
	}
	if !bytes.HasPrefix(AirlineSample, []byte("Month,DayofMonth,DayOfWeek,DepTime,UniqueCarrier,Origin,Dest,Distance,IsDelayed\n")) {
		t.Fatal("unexpected header")
	}
	p, err := WriteAirlineSample(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(b, AirlineSample) {
		t.Fatalf("written copy differs: %v", err)
	}
}
