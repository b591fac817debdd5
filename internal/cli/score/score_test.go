package score

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/errs"
)

// genCSV writes rows of id (text with separators, quotes and line ends
// inside quotes), x (numbers, NAs, the odd unparsable value), c (levels
// a..d, an unseen one, NAs, some quoted), t (numbers), note (ignored).
func genCSV(rows int, seed uint64, sep string, eol string) []byte {
	rng := rand.New(rand.NewPCG(seed, 2))
	var b strings.Builder
	fmt.Fprintf(&b, "id%sx%sc%st%snote%s", sep, sep, sep, sep, eol)
	for i := range rows {
		id := fmt.Sprintf("r%d", i)
		switch rng.IntN(8) {
		case 0:
			id = fmt.Sprintf(`"r%d%s with sep"`, i, sep)
		case 1:
			id = fmt.Sprintf("\"r%d\nspans\r\nlines\"", i)
		case 2:
			id = fmt.Sprintf(`"r%d ""quoted"""`, i)
		}
		x := fmt.Sprintf("%.6g", rng.NormFloat64()*5)
		switch rng.IntN(12) {
		case 0:
			x = ""
		case 1:
			x = "NA"
		case 2:
			x = "abc"
		case 3:
			x = "1e400"
		case 4:
			x = `"2.5"`
		}
		c := []string{"a", "b", "c", "d", "zz", "", "NA", `"b"`, `"c` + sep + `"`}[rng.IntN(9)]
		t := fmt.Sprintf("%d", rng.IntN(200)-100)
		if rng.IntN(20) == 0 {
			t = "?"
		}
		fmt.Fprintf(&b, "%s%s%s%s%s%s%s%s%s%s", id, sep, x, sep, c, sep, t, sep, []string{"n", "", "long note text"}[rng.IntN(3)], eol)
		if rng.IntN(40) == 0 {
			b.WriteString(eol) // a blank line
		}
	}
	return []byte(b.String())
}

func gz(t *testing.T, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every shape of text input scores as the plain reference does, whatever
// the block size: records cut across blocks (quoted line ends at a cut
// included) come out whole and in order.
func TestScoreMatchesReference(t *testing.T) {
	model := testGBM(1, "bernoulli", "no", "yes")
	mpath := writeModel(t, model, 0.4)
	plain := genCSV(300, 1, ",", "\n")
	cases := []struct {
		name string
		data []byte
		ref  []byte // what the reference reads (the data, uncompressed)
		sep  rune
		args []string
	}{
		{"lf", plain, plain, ',', nil},
		{"crlf", genCSV(300, 2, ",", "\r\n"), nil, ',', nil},
		{"bom", append([]byte("\xef\xbb\xbf"), genCSV(300, 3, ",", "\r\n")...), nil, ',', nil},
		{"semicolon", genCSV(300, 4, ";", "\n"), nil, ';', nil},
		{"tab", genCSV(300, 5, "\t", "\n"), nil, '\t', []string{"--sep", "tab"}},
		{"no final newline", bytes.TrimSuffix(genCSV(50, 6, ",", "\n"), []byte("\n")), nil, ',', nil},
		{"gzip", gz(t, plain), plain, ',', nil},
	}
	for _, tc := range cases {
		ref := tc.ref
		if ref == nil {
			ref = tc.data
		}
		want := reference(t, model, 0.4, ref, tc.sep, nil)
		for _, bs := range []int{1, 7, 100, 0} {
			t.Run(fmt.Sprintf("%s/block%d", tc.name, bs), func(t *testing.T) {
				dir := t.TempDir()
				in := writeFile(t, dir, "in.csv", tc.data)
				out := filepath.Join(dir, "out.csv")
				_, stderr, err := blocks(bs).run(t, append([]string{mpath, in, "-o", out}, tc.args...)...)
				if err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				header, rows := readCSV(t, string(got), tc.sep)
				if w := []string{"predict", "p_no", "p_yes"}; !reflect.DeepEqual(header, w) {
					t.Fatalf("header %q, want %q", header, w)
				}
				if len(rows) != len(want) {
					t.Fatalf("%d rows, want %d", len(rows), len(want))
				}
				for i := range rows {
					if !reflect.DeepEqual(rows[i], want[i]) {
						t.Fatalf("row %d: %q, want %q", i, rows[i], want[i])
					}
				}
				if !strings.HasPrefix(stderr, fmt.Sprintf("mlctl: scored %s rows; as NA: ", commas(int64(len(want))))) ||
					!strings.Contains(stderr, "unseen level") || !strings.Contains(stderr, "unparsable value") || strings.Count(stderr, "\n") != 1 {
					t.Errorf("stderr %q", stderr)
				}
				if left := leftovers(t, dir, "in.csv", "out.csv"); len(left) > 0 {
					t.Errorf("left behind: %v", left)
				}
			})
		}
	}
}

// Exit codes of the common failures.
func TestScoreErrors(t *testing.T) {
	mpath := writeModel(t, testGBM(1, "bernoulli", "no", "yes"), 0.5)
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", []byte("x,c,t\n1,a,2\n"))
	cases := []struct {
		name string
		data string
		args []string
		code int
		msg  string
	}{
		{"missing column", "x,t\n1,2\n", nil, errs.Usage, `has no column "c", which the model uses; its columns are "x", "t"`},
		{"missing columns", "t\n2\n", nil, errs.Usage, `has no columns "x", "c", which the model uses`},
		{"no header", "1,a,2\n3,b,4\n", nil, errs.Usage, `has no header line: its first line ("1,a,2") is data`},
		{"unclosed quote", "x,c,t\n1,a,2\n3,\"b,4\n5,c,6\n", nil, errs.Usage, "in.csv:3:"},
		{"ragged", "x,c,t\n1,a,2\n3,b\n", nil, errs.Usage, "in.csv:3: expected 3 fields, found 2"},
		{"empty", "", nil, errs.Usage, "file is empty"},
		{"unknown keep", "x,c,t\n1,a,2\n", []string{"--keep", "id"}, errs.Usage, `in.csv has no such column; its columns are "x", "c", "t"`},
		{"keep clashes", "x,c,t,predict\n1,a,2,3\n", []string{"--keep", "predict"}, errs.Usage, "the output has a column of that name already"},
		{"invalid UTF-8", "x,c,t\n1,a,2\n1,\xff,2\n", nil, errs.Usage, "in.csv:3: invalid UTF-8"},
		{"truncated gzip", string(gz(t, genCSV(2000, 1, ",", "\n"))[:9000]), nil, errs.Usage, "gzip data is damaged or truncated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := t.TempDir()
			in := writeFile(t, d, "in.csv", []byte(tc.data))
			_, _, err := env{}.run(t, append([]string{mpath, in, "-o", filepath.Join(d, "out.csv")}, tc.args...)...)
			if errs.Code(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("code %d, error %v; want %d and %q", errs.Code(err), err, tc.code, tc.msg)
			}
			if left := leftovers(t, d, "in.csv"); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"no model", []string{filepath.Join(dir, "nope.mlz"), good, "-o", "x.csv"}, errs.NotFound},
		{"no input", []string{mpath, filepath.Join(dir, "nope.csv"), "-o", "x.csv"}, errs.NotFound},
		{"no output dir", []string{mpath, good, "-o", filepath.Join(dir, "nodir", "x.csv")}, errs.NotFound},
		{"input is a dir", []string{mpath, dir, "-o", "x.csv"}, errs.Usage},
		{"not an artifact", []string{good, good, "-o", "x.csv"}, errs.Integrity},
	} {
		if _, _, err := (env{}).run(t, tc.args...); errs.Code(err) != tc.code {
			t.Errorf("%s: code %d (%v), want %d", tc.name, errs.Code(err), err, tc.code)
		}
	}
}
