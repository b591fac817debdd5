package gbm

import (
	"bytes"
	"encoding/gob"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestHistogramWireRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 200; trial++ {
		var o levelOut
		for k := rng.IntN(4); k > 0; k-- {
			h := make([]int64, rng.IntN(300))
			for i := range h {
				if rng.IntN(3) == 0 {
					h[i] = rng.Int64() >> rng.IntN(64)
					if rng.IntN(2) == 0 {
						h[i] = -h[i]
					}
				}
			}
			o.Hists = append(o.Hists, h)
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(o); err != nil {
			t.Fatal(err)
		}
		var back levelOut
		if err := gob.NewDecoder(&buf).Decode(&back); err != nil {
			t.Fatal(err)
		}
		if len(back.Hists) != len(o.Hists) {
			t.Fatalf("%d hists back, sent %d", len(back.Hists), len(o.Hists))
		}
		for i := range o.Hists {
			if !slices.Equal(o.Hists[i], back.Hists[i]) {
				t.Fatalf("hist %d changed in transit", i)
			}
		}
	}
}

func FuzzHistogramWire(f *testing.F) {
	ok, _ := levelOut{Hists: [][]int64{{0, 0, 5, -3, 0}}}.GobEncode()
	f.Add(ok)
	f.Add([]byte{1, 200, 200, 200, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		var o levelOut
		if o.GobDecode(b) == nil {
			again, _ := o.GobEncode()
			var o2 levelOut
			if err := o2.GobDecode(again); err != nil {
				t.Fatalf("re-encoded message does not decode: %v", err)
			}
		}
	})
}
