package score

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/parse"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/scoring"
	"github.com/parquet-go/parquet-go"
)

type pqIn struct {
	ID   string   `parquet:"id"`
	X    *float64 `parquet:"x,optional"`
	C    *string  `parquet:"c,optional"`
	T    int32    `parquet:"t"`
	Note *string  `parquet:"note,optional"`
}

func writeParquetInput(t *testing.T, path string, rows []pqIn, perGroup int64) {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[pqIn](&buf, parquet.MaxRowsPerRowGroup(perGroup))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func genParquetRows(n int, seed uint64) []pqIn {
	rng := rand.New(rand.NewPCG(seed, 4))
	var rows []pqIn
	for i := range n {
		r := pqIn{ID: fmt.Sprintf("id,%d\n\"", i), T: int32(rng.IntN(200) - 100)}
		if rng.IntN(8) != 0 {
			x := rng.NormFloat64() * 5
			r.X = &x
		}
		if k := rng.IntN(7); k < 6 {
			c := []string{"a", "b", "c", "d", "zz", "NA"}[k] // "NA" is a level name in Parquet, not a missing value
			r.C = &c
		}
		rows = append(rows, r)
	}
	return rows
}

// refParquet is what the output should hold for rows: id, predict, p_*.
func refParquet(m scoring.Model, th float64, rows []pqIn) [][]string {
	s := m.ModelSchema()
	var out [][]string
	for _, r := range rows {
		row := []float64{math.NaN(), math.NaN(), float64(r.T)}
		if r.X != nil {
			row[0] = *r.X
		}
		if r.C != nil {
			if c := slices.Index(s.Features[1].Domain, *r.C); c >= 0 {
				row[1] = float64(c)
			}
		}
		p := make([]float64, 2)
		m.Predict(row, p)
		label := s.Classes[0]
		if p[1] >= th {
			label = s.Classes[1]
		}
		out = append(out, []string{r.ID, label, fmtF(p[0]), fmtF(p[1])})
	}
	return out
}

// readParquetOutput reads a Parquet output back with the engine's reader.
func readParquetOutput(t *testing.T, path string) ([]string, []frame.Type, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	s, groups, err := parse.ParquetSetup(f, st.Size(), path, parse.GuessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	types := slices.Clone(s.Types)
	for j, ty := range s.Types {
		if ty == frame.Categorical {
			s.Types[j] = frame.String
		}
	}
	var rows [][]string
	for g := range groups {
		res, err := parse.ParseParquetRowGroup(f, st.Size(), g, s, path)
		if err != nil {
			t.Fatal(err)
		}
		for r := 0; r < res.Rows; r++ {
			var line []string
			for j := range s.Names {
				c := res.Cols[j]
				if s.Types[j] == frame.String {
					line = append(line, c.Strings[r])
				} else {
					line = append(line, fmtF(c.Floats[r]))
				}
			}
			rows = append(rows, line)
		}
	}
	return s.Names, types, rows
}

// Parquet in (row group by row group; "NA" is a level there, nulls are
// missing), CSV or Parquet out.
func TestScoreParquet(t *testing.T) {
	m := testGBM(11, "bernoulli", "n", "y")
	mpath := writeModel(t, m, 0.5)
	dir := t.TempDir()
	rows := genParquetRows(2500, 1)
	in := filepath.Join(dir, "in.parquet")
	writeParquetInput(t, in, rows, 700)
	want := refParquet(m, 0.5, rows)

	csvOut := filepath.Join(dir, "out.csv")
	_, stderr, err := env{}.run(t, mpath, in, "-o", csvOut, "--keep", "id")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "scored 2,500 rows; as NA: c ") || !strings.Contains(stderr, " unseen levels\n") {
		t.Errorf("stderr %q", stderr)
	}
	b, _ := os.ReadFile(csvOut)
	header, got := readCSV(t, string(b), ',')
	if !reflect.DeepEqual(header, []string{"id", "predict", "p_n", "p_y"}) || !reflect.DeepEqual(got, want) {
		t.Fatalf("CSV from Parquet: header %q, %d rows; first %q, want %q", header, len(got), got[0], want[0])
	}

	pqOut := filepath.Join(dir, "out.parquet")
	if _, _, err := (env{}).run(t, mpath, in, "-o", pqOut, "--keep", "id,t"); err != nil {
		t.Fatal(err)
	}
	names, types, got := readParquetOutput(t, pqOut)
	if !reflect.DeepEqual(names, []string{"id", "t", "predict", "p_n", "p_y"}) ||
		!reflect.DeepEqual(types, []frame.Type{frame.String, frame.Categorical, frame.Categorical, frame.Numeric, frame.Numeric}) {
		t.Fatalf("Parquet output columns %q %v", names, types)
	}
	for i, r := range got {
		w := append([]string{want[i][0], fmt.Sprint(rows[i].T)}, want[i][1:]...)
		if !reflect.DeepEqual(r, w) {
			t.Fatalf("row %d: %q, want %q", i, r, w)
		}
	}
	if left := leftovers(t, dir, "in.parquet", "out.csv", "out.parquet"); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}

	// A categorical feature stored as numbers cannot be scored.
	type numC struct {
		X float64 `parquet:"x"`
		C int64   `parquet:"c"`
		T float64 `parquet:"t"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[numC](&buf)
	w.Write([]numC{{1, 2, 3}})
	w.Close()
	bad := writeFile(t, dir, "bad.parquet", buf.Bytes())
	if _, _, err := (env{}).run(t, mpath, bad, "-o", "-"); errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), `column "c" of`) {
		t.Fatalf("numeric c: %v", err)
	}
	// Parquet needs a file, not a pipe.
	if _, _, err := (env{stdin: bytes.NewReader(buf.Bytes())}).run(t, mpath, "-", "-o", "-"); errs.Code(err) != errs.Usage {
		t.Fatalf("parquet on stdin: %v", err)
	}
}

// CSV in, Parquet out: text columns are strings, a regression's value and
// the probabilities doubles; the empty field of a kept column is a null.
func TestScoreCSVToParquet(t *testing.T) {
	m := testGBM(12, "bernoulli", "no", "yes")
	data := genCSV(1200, 3, ",", "\n")
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", data)
	out := filepath.Join(dir, "out.parquet")
	if _, _, err := blocks(500).run(t, writeModel(t, m, 0.5), in, "-o", out, "--keep", "id,note"); err != nil {
		t.Fatal(err)
	}
	names, _, got := readParquetOutput(t, out)
	want := reference(t, m, 0.5, data, ',', []string{"id", "note"})
	if !reflect.DeepEqual(names, []string{"id", "note", "predict", "p_no", "p_yes"}) || len(got) != len(want) {
		t.Fatalf("columns %q, %d rows", names, len(got))
	}
	for i := range got {
		// The reference reads CR LF inside quotes as LF (encoding/csv does).
		got[i][0] = strings.ReplaceAll(got[i][0], "\r\n", "\n")
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("row %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// --strict on Parquet names the row (counted over the row groups).
func TestScoreParquetStrict(t *testing.T) {
	mpath := writeModel(t, testGBM(11, "bernoulli", "n", "y"), 0.5)
	var rows []pqIn
	for i := range 1000 {
		x := float64(i)
		c := []string{"a", "b"}[i%2]
		if i == 777 {
			c = "new"
		}
		rows = append(rows, pqIn{ID: fmt.Sprint(i), X: &x, C: &c})
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.parquet")
	writeParquetInput(t, in, rows, 300)
	_, _, err := env{}.run(t, mpath, in, "-o", filepath.Join(dir, "out.csv"), "--strict")
	if errs.Code(err) != errs.Usage || !strings.Contains(fmt.Sprint(err), `in.parquet: row 778: column "c": level "new"`) {
		t.Fatalf("code %d: %v", errs.Code(err), err)
	}
	// A file that only starts like Parquet is a data error, not a crash.
	bad := writeFile(t, dir, "bad.parquet", []byte("PAR1 and then not at all parquet PAR1"))
	if _, _, err := (env{}).run(t, mpath, bad, "-o", "-"); errs.Code(err) != errs.Usage {
		t.Fatalf("code %d: %v", errs.Code(err), err)
	}
	if left := leftovers(t, dir, "in.parquet", "bad.parquet"); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}
