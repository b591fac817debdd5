package node

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

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
