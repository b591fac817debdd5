package parse

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/mlctl/mlctl/engine/frame"
)

type pqRow struct {
	I   int64     `parquet:"i"`
	F   *float64  `parquet:"f,optional"`
	B   bool      `parquet:"b"`
	S   string    `parquet:"s"`
	OS  *string   `parquet:"os,optional"`
	ID  string    `parquet:"id"`
	D   int64     `parquet:"d,decimal(2:18)"`
	TS  time.Time `parquet:"ts,timestamp(microsecond)"`
	Day int32     `parquet:"day,date"`
	U   uint32    `parquet:"u,uint(32)"`
}

func writeParquet[T any](t *testing.T, rows []T, perGroup int64) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, parquet.MaxRowsPerRowGroup(perGroup))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

func TestParquet(t *testing.T) {
	var rows []pqRow
	for i := range 250 {
		r := pqRow{I: int64(i - 100), B: i%2 == 1, S: []string{"red", "green", "blue"}[i%3], ID: fmt.Sprintf("id-%05d", i),
			D: int64(i*137 - 5000), TS: time.UnixMilli(int64(i)*3_600_123 - 1e6).UTC(), Day: int32(i - 10), U: uint32(math.MaxUint32 - i)}
		if i%10 != 0 {
			f := float64(i) / 8
			r.F = &f
			s := "v" + fmt.Sprint(i%4)
			r.OS = &s
		}
		rows = append(rows, r)
	}
	f := writeParquet(t, rows, 100)
	s, groups, err := ParquetSetup(f, f.Size(), "t.parquet", GuessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"i", "f", "b", "s", "os", "id", "d", "ts", "day", "u"}
	wantTypes := []frame.Type{N, N, N, C, C, S, N, T, T, N}
	if groups != 3 || !reflect.DeepEqual(s.Names, wantNames) || !reflect.DeepEqual(s.Types, wantTypes) {
		t.Fatalf("groups %d names %q types %v", groups, s.Names, s.Types)
	}
	var got [][]string
	var next int64
	for g := range groups {
		r, err := ParseParquetRowGroup(f, f.Size(), g, s, "t.parquet")
		if err != nil {
			t.Fatal(err)
		}
		if r.Start != next {
			t.Fatalf("group %d starts at row %d, want %d", g, r.Start, next)
		}
		next = r.End
		got = append(got, cells(s, r)...)
	}
	if len(got) != 250 {
		t.Fatalf("%d rows", len(got))
	}
	for i, row := range got {
		want := []string{fmt.Sprint(i - 100), "<NA>", fmt.Sprint(i % 2), []string{"red", "green", "blue"}[i%3], "<NA>", fmt.Sprintf("id-%05d", i),
			fmt.Sprint(float64(i*137-5000) / 100), fmt.Sprint(int64(i)*3_600_123 - 1e6), fmt.Sprint(int64(i-10) * 86400000), strconv.FormatFloat(float64(math.MaxUint32-i), 'g', -1, 64)}
		if i%10 != 0 {
			want[1] = fmt.Sprint(float64(i) / 8)
			want[4] = "v" + fmt.Sprint(i%4)
		}
		if !reflect.DeepEqual(row, want) {
			t.Fatalf("row %d: %q, want %q", i, row, want)
		}
	}
}

func TestParquetOverrides(t *testing.T) {
	type row struct {
		N string `parquet:"n"`
		X int32  `parquet:"x"`
	}
	f := writeParquet(t, []row{{"1.5", 1}, {"2", 2}, {"abc", 3}}, 10)
	s, _, err := ParquetSetup(f, f.Size(), "o.parquet", GuessOptions{ColTypes: map[string]frame.Type{"n": N}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseParquetRowGroup(f, f.Size(), 0, s, "o.parquet")
	if err != nil || len(r.Mismatches) != 1 || r.Mismatches[0].Value != "abc" || r.Mismatches[0].Count != 1 || !math.IsNaN(r.Cols[0].Floats[2]) {
		t.Fatalf("a forced numeric column with a text value: %+v, %v (want it read as NA and counted)", r, err)
	}
	if _, _, err := ParquetSetup(f, f.Size(), "o.parquet", GuessOptions{ColTypes: map[string]frame.Type{"x": C}}); err == nil || !strings.Contains(err.Error(), "can only be imported as numeric") {
		t.Fatalf("error %v", err)
	}
	if _, _, err := ParquetSetup(f, f.Size(), "o.parquet", GuessOptions{ColTypes: map[string]frame.Type{"zz": C}}); err == nil || !strings.Contains(err.Error(), "its columns are: n, x") {
		t.Fatalf("error %v", err)
	}
}

func TestParquetNested(t *testing.T) {
	type inner struct {
		A int64 `parquet:"a"`
	}
	type nested struct {
		In inner `parquet:"in"`
	}
	type repeated struct {
		L []int64 `parquet:"l,list"`
	}
	for name, f := range map[string]*bytes.Reader{
		"struct": writeParquet(t, []nested{{inner{1}}}, 10),
		"list":   writeParquet(t, []repeated{{[]int64{1, 2}}}, 10),
	} {
		_, _, err := ParquetSetup(f, f.Size(), name+".parquet", GuessOptions{})
		if err == nil || !strings.Contains(err.Error(), "only flat Parquet schemas") {
			t.Errorf("%s: error %v", name, err)
		}
	}
	if _, _, err := ParquetSetup(strings.NewReader("not parquet"), 11, "x.parquet", GuessOptions{}); err == nil {
		t.Error("garbage accepted")
	}
}

func TestIsGzip(t *testing.T) {
	if !IsGzip([]byte{0x1f, 0x8b, 8, 0}) || IsGzip([]byte("a,b\n")) || IsGzip([]byte{0x1f}) {
		t.Fatal("IsGzip")
	}
}
