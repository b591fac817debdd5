package proc_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/leader"
)

func importErr(t *testing.T, c *api.Client, req api.ImportRequest) (*api.Job, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	j, err := c.ImportFrame(ctx, req)
	if err != nil {
		return nil, err
	}
	return c.WaitJob(ctx, j.ID, nil)
}

func TestImportErrorsNameFileAndLine(t *testing.T) {
	tc := startCloud(t, 2, 4<<10) // 4 KiB ranges: the bad line is far from range 0
	dir := t.TempDir()
	var good strings.Builder
	good.WriteString("a,b,c\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&good, "%d,x%d,%d.5\n", i, i%4, i)
	}
	lines := strings.Split(good.String(), "\n")
	ragged := append(append([]string{}, lines[:2001]...), "1,2")
	ragged = append(ragged, lines[2001:]...)
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	raggedPath := write("ragged.csv", strings.Join(ragged, "\n"))
	badUTF := write("utf.csv", strings.Replace(good.String(), "x2,", "x\xff,", 1))
	cases := []struct {
		name string
		req  api.ImportRequest
		want []string
	}{
		{"ragged row", api.ImportRequest{Paths: []string{raggedPath}, Name: "r"}, []string{"ragged.csv:2002", "expected 3 fields"}},
		{"bad utf-8", api.ImportRequest{Paths: []string{badUTF}, Name: "u"}, []string{"utf.csv:4", "UTF-8"}},
		{"missing file", api.ImportRequest{Paths: []string{filepath.Join(dir, "nope.csv")}, Name: "m"}, []string{"nope.csv", "no such file"}},
		{"empty file", api.ImportRequest{Paths: []string{write("empty.csv", "")}, Name: "e"}, []string{"empty.csv", "empty"}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := importErr(t, tc.client, tt.req)
			if err == nil {
				t.Fatal("import succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if _, ferr := tc.client.Frame(context.Background(), tt.req.Name); ferr == nil {
				t.Errorf("a frame %q was left behind", tt.req.Name)
			}
		})
	}
}

// One stray text value in a numeric column is read as NA with a warning
// that counts it and names its line in the file; the column stays numeric.
func TestStrayValueKeepsColumnNumeric(t *testing.T) {
	tc := startCloud(t, 2, 8<<10)
	var b strings.Builder
	b.WriteString("n,v\n")
	for i := 0; i < 300000; i++ {
		v := fmt.Sprint(i % 1000)
		if i == 299995 {
			v = "oops"
		}
		fmt.Fprintf(&b, "%d,%s\n", i, v)
	}
	p := filepath.Join(t.TempDir(), "stray.csv")
	os.WriteFile(p, []byte(b.String()), 0o644)
	j, err := importErr(t, tc.client, api.ImportRequest{Paths: []string{p}, Name: "stray"})
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Warnings) != 1 || !strings.Contains(j.Warnings[0], "stray.csv:299997") || !strings.Contains(j.Warnings[0], "1 value(s)") || !strings.Contains(j.Warnings[0], "read as NA") {
		t.Fatalf("warnings %q", j.Warnings)
	}
	s, err := tc.client.Summary(context.Background(), "stray")
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Columns[1]; c.Type != "numeric" || c.NACount != 1 {
		t.Fatalf("v column %+v", c)
	}
	// A forced type converts too: the text values become NA, with a warning.
	ov := filepath.Join(t.TempDir(), "ov.csv")
	os.WriteFile(ov, []byte("a,b\n1,x\n2,y\n3,4\n"), 0o644)
	j, err = importErr(t, tc.client, api.ImportRequest{Paths: []string{ov}, Name: "ov", ColTypes: map[string]string{"b": "numeric"}})
	if err != nil || len(j.Warnings) != 1 || !strings.Contains(j.Warnings[0], "was set to numeric: 2 value(s)") || !strings.Contains(j.Warnings[0], "ov.csv:2") {
		t.Fatalf("forced numeric: %v, warnings %q", err, j.Warnings)
	}
}

func TestGuessedTypePromotedWithWarning(t *testing.T) {
	tc := startCloud(t, 2, 8<<10)
	var b strings.Builder
	b.WriteString("n,code\n")
	for i := 0; i < 200000; i++ { // past the sample the type guess reads
		code := fmt.Sprint(i % 10)
		if i >= 190000 && i%2 == 0 { // 5,000 text values: more than 1% of the rows
			code = "X9"
		}
		fmt.Fprintf(&b, "%d,%s\n", i, code)
	}
	p := filepath.Join(t.TempDir(), "late.csv")
	os.WriteFile(p, []byte(b.String()), 0o644)
	j, err := importErr(t, tc.client, api.ImportRequest{Paths: []string{p}, Name: "late"})
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Warnings) != 1 || !strings.Contains(j.Warnings[0], "late.csv:190002") || !strings.Contains(j.Warnings[0], `"X9"`) || !strings.Contains(j.Warnings[0], "5000 value(s)") {
		t.Fatalf("warnings %q", j.Warnings)
	}
	s, err := tc.client.Summary(context.Background(), "late")
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Columns[1]; c.Type != "categorical" || *c.Cardinality != 11 || c.NACount != 0 {
		t.Fatalf("code column %+v", c)
	}
}

func TestSplitIsDeterministicAndComplete(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.csv")
	writeCSV(t, path, 10000, 9)
	var rows [][]int64
	for _, n := range []int{1, 3} {
		tc := startCloud(t, n, 32<<10)
		importWait(t, tc.client, api.ImportRequest{Paths: []string{path}, Name: "train"})
		parts, err := tc.client.Split(context.Background(), api.SplitRequest{Frame: "train", Ratios: []float64{0.8, 0.2}, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 2 || parts[0].Name != "train_0" || parts[1].Name != "train_1" {
			t.Fatalf("parts %+v", parts)
		}
		if parts[0].Rows+parts[1].Rows != 10000 || parts[0].Rows < 7700 || parts[0].Rows > 8300 {
			t.Fatalf("rows %d + %d", parts[0].Rows, parts[1].Rows)
		}
		s0, err := tc.client.Summary(context.Background(), "train_0")
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, []int64{parts[0].Rows, parts[1].Rows, s0.Columns[0].NACount})
		if _, err := tc.client.Split(context.Background(), api.SplitRequest{Frame: "train", Ratios: []float64{0.5, 0.5}}); err == nil {
			t.Fatal("split over existing frames succeeded")
		}
		if err := tc.client.DeleteFrame(context.Background(), "train_1"); err != nil {
			t.Fatal(err)
		}
		if _, err := tc.client.Frame(context.Background(), "train_1"); err == nil {
			t.Fatal("deleted frame still listed")
		}
	}
	if fmt.Sprint(rows[0]) != fmt.Sprint(rows[1]) {
		t.Fatalf("split differs by node count: %v vs %v", rows[0], rows[1])
	}
}

func TestFailedReplaceKeepsTheOldFrame(t *testing.T) {
	tc := startCloud(t, 2, 4<<10)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	writeCSV(t, good, 3000, 1)
	importWait(t, tc.client, api.ImportRequest{Paths: []string{good}, Name: "d"})
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a,b\n1,2\n3\n"), 0o644)
	if _, err := importErr(t, tc.client, api.ImportRequest{Paths: []string{bad}, Name: "d", Replace: true}); err == nil {
		t.Fatal("bad import succeeded")
	}
	s, err := tc.client.Summary(context.Background(), "d")
	if err != nil || s.Rows != 3000 || len(s.Columns) != 4 {
		t.Fatalf("old frame after a failed replace: %+v %v", s, err)
	}
	// And a good replace replaces it everywhere.
	small := filepath.Join(dir, "small.csv")
	writeCSV(t, small, 10, 2)
	importWait(t, tc.client, api.ImportRequest{Paths: []string{small}, Name: "d", Replace: true})
	if s, err := tc.client.Summary(context.Background(), "d"); err != nil || s.Rows != 10 {
		t.Fatalf("after replace: %+v %v", s, err)
	}
	frames, _ := tc.client.Frames(context.Background())
	if len(frames) != 1 {
		t.Fatalf("frames %+v", frames)
	}
}

// Later files are matched to the first by header name: the same columns in
// another order land in the right columns; other columns are refused,
// naming the file and what differs.
func TestMultiFileImportMatchesHeadersByName(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.csv", "x,c,y\n1,p,10\n2,q,20\n")
	b := write("b.csv", "y,x,c\n30,3,r\n40,4,p\n")
	c := startCloud(t, 2, 0)
	importWait(t, c.client, api.ImportRequest{Paths: []string{a, b}, Name: "ab"})
	s, err := c.client.Summary(context.Background(), "ab")
	if err != nil {
		t.Fatal(err)
	}
	if s.Rows != 4 || s.Columns[0].Name != "x" || *s.Columns[0].Max != 4 || *s.Columns[2].Max != 40 || *s.Columns[1].Cardinality != 3 {
		t.Fatalf("columns misaligned: %+v %v %v", s.Columns, *s.Columns[0].Max, *s.Columns[2].Max)
	}
	bad := write("bad.csv", "x,c,z\n5,p,50\n")
	ctx := context.Background()
	j, err := c.client.ImportFrame(ctx, api.ImportRequest{Paths: []string{a, bad}, Name: "abad"})
	if err == nil {
		j, err = c.client.WaitJob(ctx, j.ID, nil)
	}
	if err == nil || !strings.Contains(err.Error(), "bad.csv") || !strings.Contains(err.Error(), "missing y") || !strings.Contains(err.Error(), "z") {
		t.Fatalf("a file with other columns: %v", err)
	}
	if _, err := c.client.Frame(ctx, "abad"); err == nil {
		t.Error("a refused import left a frame")
	}
}

// A numeric column with inf, or whose sum overflows, still has a summary.
func TestSummaryOfInfiniteColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inf.csv")
	if err := os.WriteFile(path, []byte("a,b,c\n1,1e308,x\ninf,1e308,y\n-inf,1e308,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := startCloud(t, 1, 0)
	importWait(t, c.client, api.ImportRequest{Paths: []string{path}, Name: "inf", ColTypes: map[string]string{"a": "numeric"}})
	s, err := c.client.Summary(context.Background(), "inf")
	if err != nil {
		t.Fatalf("summary of a column with inf: %v", err)
	}
	a, b := s.Columns[0], s.Columns[1]
	if !math.IsInf(float64(*a.Max), 1) || !math.IsInf(float64(*a.Min), -1) || !math.IsNaN(float64(*a.Mean)) {
		t.Errorf("column a: min %v max %v mean %v", *a.Min, *a.Max, *a.Mean)
	}
	if b.Mean == nil || float64(*b.Mean) != 1e308 {
		t.Errorf("column b (sum overflows): mean %v", float64(*b.Mean))
	}
}

// The real client returns a failed job with its state and an error that
// wraps *api.JobError, which is what the CLI (and its fake) rely on to show
// the job's message and warnings.
func TestFailedJobComesWithItsState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(path, []byte("a,b\n1,2\n3,4,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := startCloud(t, 1, 0)
	ctx := context.Background()
	j, err := c.client.ImportFrame(ctx, api.ImportRequest{Paths: []string{path}, Name: "bad"})
	if err != nil {
		t.Fatal(err)
	}
	j, err = c.client.WaitJob(ctx, j.ID, nil)
	var je *api.JobError
	if !errors.As(err, &je) || j == nil || j.State != "failed" || je.Job.Error == "" {
		t.Fatalf("failed import: job %+v, err %v", j, err)
	}
}

// A categorical column with more distinct values than the limit is read as
// text, with a warning.
func TestTooManyLevelsBecomesText(t *testing.T) {
	old := leader.MaxLevels
	leader.MaxLevels = 50
	defer func() { leader.MaxLevels = old }()
	var b strings.Builder
	b.WriteString("id,grp\n")
	for i := 0; i < 60000; i++ {
		id := i % 5 // few values where the type guess samples, unique after
		if i >= 50000 {
			id = i
		}
		fmt.Fprintf(&b, "u%d,g%d\n", id, i%7)
	}
	p := filepath.Join(t.TempDir(), "ids.csv")
	os.WriteFile(p, []byte(b.String()), 0o644)
	c := startCloud(t, 2, 8<<10)
	j, err := importErr(t, c.client, api.ImportRequest{Paths: []string{p}, Name: "ids"})
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Warnings) != 1 || !strings.Contains(j.Warnings[0], `"id" has more than 50 distinct values`) {
		t.Fatalf("warnings %q", j.Warnings)
	}
	s, err := c.client.Summary(context.Background(), "ids")
	if err != nil {
		t.Fatal(err)
	}
	if s.Columns[0].Type != "string" || s.Columns[1].Type != "categorical" {
		t.Fatalf("types %s, %s", s.Columns[0].Type, s.Columns[1].Type)
	}
}
