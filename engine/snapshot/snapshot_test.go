package snapshot

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
)

// A chunk file gives back each column's chunk with the same encoding and
// bits, and refuses files that were cut, padded or made for another frame.
func TestChunkFileRoundTrip(t *testing.T) {
	vals := []float64{1.5, math.NaN(), -3, 1e300, 0}
	codes := []float64{0, 2, 1, math.NaN(), 2}
	cols := []chunk.Chunk{chunk.EncodeNumeric(vals), chunk.EncodeNumeric(codes), chunk.EncodeStrings([]string{"a", "", "ccc", "d", "e"}, []bool{false, true, false, false, false})}
	data, err := EncodeChunk(cols)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeChunk(data, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cols {
		if !bytes.Equal(chunk.Marshal(cols[i]), chunk.Marshal(back[i])) || cols[i].Encoding() != back[i].Encoding() {
			t.Errorf("column %d differs after the round trip", i)
		}
	}
	for name, bad := range map[string]struct {
		data       []byte
		rows, cols int
	}{
		"cut":          {data[:len(data)-3], 5, 3},
		"padded":       {append(append([]byte{}, data...), 0), 5, 3},
		"rows":         {data, 4, 3},
		"columns":      {data, 5, 2},
		"magic":        {append([]byte("XXXX"), data[4:]...), 5, 3},
		"layout":       {append(append([]byte{}, data[:4]...), append([]byte{9}, data[5:]...)...), 5, 3},
		"empty":        {nil, 5, 3},
		"column bytes": {append(append([]byte{}, data[:len(data)-8]...), bytes.Repeat([]byte{0xff}, 8)...), 5, 3},
	} {
		if _, err := DecodeChunk(bad.data, int64(bad.rows), bad.cols); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	if _, err := EncodeChunk([]chunk.Chunk{cols[0], chunk.EncodeNumeric([]float64{1})}); err == nil {
		t.Error("columns of different lengths encoded")
	}
}

func TestVerify(t *testing.T) {
	d := []byte("hello")
	if err := Verify("f", d, 5, Sum(d)); err != nil {
		t.Fatal(err)
	}
	var ie *IntegrityError
	if err := Verify("/x/f", d, 4, Sum(d)); !errors.As(err, &ie) || !strings.Contains(err.Error(), "/x/f") || !strings.HasPrefix(err.Error(), IntegrityText) {
		t.Errorf("size: %v", err)
	}
	if err := Verify("f", []byte("hellp"), 5, Sum(d)); !errors.As(err, &ie) || !strings.Contains(err.Error(), Sum(d)) {
		t.Errorf("sum: %v", err)
	}
}

func goodManifest() *Manifest {
	return &Manifest{Format: Format, FormatVersion: FormatVersion, Frames: []Frame{{Name: "air", Rows: 7, Columns: []frame.Column{{Name: "x", Type: frame.Numeric}},
		Chunks: []ChunkFile{{Index: 0, Rows: 3, File: ChunkPath("air", 0)}, {Index: 1, Rows: 4, File: ChunkPath("air", 1)}}}},
		Models: []Model{{ID: "g", File: ModelPath("g")}}}
}

func TestManifestCheck(t *testing.T) {
	if err := goodManifest().Check(); err != nil {
		t.Fatal(err)
	}
	for name, break_ := range map[string]func(m *Manifest){
		"format":      func(m *Manifest) { m.Format = "other" },
		"version":     func(m *Manifest) { m.FormatVersion = 2 },
		"rows":        func(m *Manifest) { m.Frames[0].Rows = 8 },
		"order":       func(m *Manifest) { m.Frames[0].Chunks[0].Index = 1 },
		"escape":      func(m *Manifest) { m.Frames[0].Chunks[0].File = "../../etc/passwd" },
		"frame name":  func(m *Manifest) { m.Frames[0].Name = "../x" },
		"twice":       func(m *Manifest) { m.Frames = append(m.Frames, m.Frames[0]) },
		"model file":  func(m *Manifest) { m.Models[0].File = "models/other.json" },
		"model twice": func(m *Manifest) { m.Models = append(m.Models, m.Models[0]) },
		"model name":  func(m *Manifest) { m.Models[0].ID, m.Models[0].File = "/g", ModelPath("/g") },
	} {
		m := goodManifest()
		break_(m)
		if err := m.Check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	m := goodManifest()
	m.FormatVersion, m.MlctlVersion = 2, "v9"
	if err := m.Check(); err == nil || !strings.Contains(err.Error(), "v9") {
		t.Errorf("newer format: %v", err)
	}
}

func TestSaveNames(t *testing.T) {
	a := NewSaveName(time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC))
	b := NewSaveName(time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC))
	if !IsSaveName(a) || a == b || !strings.HasPrefix(a, "20261202T070000.000Z-") {
		t.Errorf("names %q %q", a, b)
	}
	for _, bad := range []string{CurrentFile, "x", ".20261202T070000.000Z-0a1b2c3d", "20261202T070000.000Z-0a1b2c3d/.."} {
		if IsSaveName(bad) {
			t.Errorf("%q is taken for a save", bad)
		}
	}
}

// current.json: none is ErrNoSave; a damaged one an integrity error; in
// the instant an HDFS replace has no current.json, current.json.next is
// read; Prune keeps what it is told and files that are not saves.
func TestCurrentAndPrune(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadCurrent(ctx, st); !errors.Is(err, ErrNoSave) || !strings.Contains(err.Error(), dir) {
		t.Errorf("no save: %v", err)
	}
	names := []string{NewSaveName(time.Unix(1, 0)), NewSaveName(time.Unix(2, 0)), NewSaveName(time.Unix(3, 0))}
	for _, n := range names {
		if err := st.WriteFile(ctx, n+"/"+ManifestFile, []byte("{}")); err != nil {
			t.Fatal(err)
		}
	}
	cur := &Current{Save: names[2], ManifestSHA256: Sum([]byte("{}"))}
	if err := WriteCurrent(ctx, st, cur); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadCurrent(ctx, st); err != nil || got.Save != names[2] {
		t.Errorf("read back: %+v %v", got, err)
	}
	// HDFS's moment between removing current.json and renaming .next.
	data, _ := os.ReadFile(filepath.Join(dir, CurrentFile))
	os.Rename(filepath.Join(dir, CurrentFile), filepath.Join(dir, CurrentFile+nextSuffix))
	if got, err := ReadCurrent(ctx, st); err != nil || got.Save != names[2] {
		t.Errorf("from .next: %+v %v", got, err)
	}
	os.WriteFile(filepath.Join(dir, CurrentFile), []byte(`{"save":"x"}`), 0o600)
	var ie *IntegrityError
	if _, err := ReadCurrent(ctx, st); !errors.As(err, &ie) {
		t.Errorf("damaged current.json: %v", err)
	}
	os.WriteFile(filepath.Join(dir, CurrentFile), data, 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o600)
	removed, err := Prune(ctx, st, names[1], names[2])
	if err != nil || len(removed) != 1 || removed[0] != names[0] {
		t.Errorf("pruned %v %v", removed, err)
	}
	left, _ := st.List(ctx, "")
	if strings.Join(left, ",") != strings.Join([]string{names[1], names[2], CurrentFile, CurrentFile + nextSuffix, "notes.txt"}, ",") {
		t.Errorf("left %v", left)
	}
	// No temporary files are left beside what was written.
	for _, n := range left {
		if strings.Contains(n, ".tmp-") {
			t.Errorf("temporary file %s left", n)
		}
	}
}

func TestOpen(t *testing.T) {
	for dir, want := range map[string]string{
		"":                 "no save directory",
		"saves":            "not an absolute path",
		"s3://b/saves":     "unsupported scheme",
		"hdfs:///user/a/s": "need a cluster on YARN",
	} {
		if _, err := Open(dir, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", dir, err, want)
		}
	}
}
