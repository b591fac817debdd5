package node

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/parse"
	"github.com/mlctl/mlctl/engine/source"
)

// memFS is a remote file system in memory.
type memFS map[string][]byte

func (m memFS) Stat(_ context.Context, p string) (source.Info, error) {
	return source.Info{Size: int64(len(m[p]))}, nil
}

func (m memFS) ReadAt(_ context.Context, p string, buf []byte, off int64) (int, error) {
	return copy(buf, m[p][off:]), nil
}

// A range read through a window must give exactly what parsing the whole
// mapped file gives, also when a record runs far past the window.
func TestRemoteRangeMatchesLocal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	b.WriteString("id,text,v\n")
	for i := 0; i < 3000; i++ {
		text := fmt.Sprintf("t%d", rng.IntN(9))
		if rng.IntN(100) == 0 {
			text = `"` + strings.Repeat("long, \n", 400) + `"` // ~2.8 KB with line breaks
		}
		fmt.Fprintf(&b, "%d,%s,%d\n", i, text, rng.IntN(50))
	}
	data := []byte(b.String())
	fs := memFS{"/d.csv": data}
	old := remoteOverflow
	remoteOverflow = 512
	defer func() { remoteOverflow = old }()
	setup, err := parse.Guess(data, "d.csv", parse.GuessOptions{Header: "yes"})
	if err != nil {
		t.Fatal(err)
	}
	const rs = 4096
	for start := int64(0); start < int64(len(data)); start += rs {
		end := min(start+rs, int64(len(data)))
		u := Unit{Kind: UnitCSV, File: "hdfs:///d.csv", Start: start, End: end, AtRecordStart: start == 0, SkipHeader: start == 0}
		got, err := parseRemoteRange(context.Background(), fs, "/d.csv", u, setup, parse.RangeOptions{File: u.File, AtRecordStart: u.AtRecordStart, SkipHeader: u.SkipHeader})
		want, werr := parse.ParseRange(data, int(start), int(end), setup, parse.RangeOptions{File: u.File, AtRecordStart: u.AtRecordStart, SkipHeader: u.SkipHeader, DataEndsFile: true})
		if (err == nil) != (werr == nil) {
			t.Fatalf("range %d: remote err %v, local err %v", start, err, werr)
		}
		if err != nil {
			if err.Error() != werr.Error() {
				t.Fatalf("range %d: %v vs %v", start, err, werr)
			}
			continue
		}
		if !reflect.DeepEqual(got[0], want) {
			t.Fatalf("range %d: remote %+v\nlocal %+v", start, got[0].Rows, want.Rows)
		}
	}
}

// A categorical column goes through EncodeCodes; the chunk must be the one
// EncodeNumeric makes of the remapped codes as floats (NaN for NA), which
// is what encodeResult used to build.
func TestEncodeResultCategorical(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 100, 5000} {
		for _, card := range []int{1, 2, 300} {
			codes := make([]int32, n)
			for i := range codes {
				codes[i] = rng.Int32N(int32(card))
				if rng.IntN(50) == 0 {
					codes[i] = -1
				}
			}
			remap := make([]int32, card)
			for i := range remap {
				remap[i] = int32(card - 1 - i + rng.IntN(3))
			}
			r := &parse.Result{Cols: []parse.Column{{Codes: codes}}}
			cols := []frame.Column{{Name: "c", Type: frame.Categorical}}
			got, err := encodeResult(r, cols, [][]int32{remap})
			if err != nil {
				t.Fatal(err)
			}
			vals := make([]float64, n)
			for i, c := range codes {
				vals[i] = math.NaN()
				if c >= 0 {
					vals[i] = float64(remap[c])
				}
			}
			want := chunk.EncodeNumeric(vals)
			if got[0].Encoding() != want.Encoding() || !bytes.Equal(chunk.Marshal(got[0]), chunk.Marshal(want)) {
				t.Fatalf("n=%d card=%d: got %v chunk, want %v with the same bytes", n, card, got[0].Encoding(), want.Encoding())
			}
		}
	}
	if _, err := encodeResult(&parse.Result{Cols: []parse.Column{{}}}, []frame.Column{{Name: "c", Type: frame.Categorical}}, nil); err == nil {
		t.Fatal("no error for a categorical column without a remap")
	}
}
