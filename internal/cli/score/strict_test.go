package score

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/errs"
)

// --strict stops at the first value that would be NA, naming its line
// (counted in physical lines, quoted line ends included), column and
// value, whatever block it falls in; nothing is written.
func TestScoreStrict(t *testing.T) {
	mpath := writeModel(t, testGBM(1, "bernoulli", "no", "yes"), 0.5)
	var pre strings.Builder
	pre.WriteString("id,x,c,t\n")
	for i := range 30 {
		// Line ends inside quotes, so rows and lines differ.
		pre.WriteString("\"row\n" + strings.Repeat("x", i) + "\",1,a,2\n")
	}
	// Lines 1..61 so far.
	cases := []struct {
		name, tail string
		msg        string
	}{
		{"unseen level", "r,1,zz,2\n", `in.csv:62: column "c": level "zz" is not one the model was trained on`},
		{"unparsable", "r,1,b,x9\n", `in.csv:62: column "t": "x9" is not a number`},
		{"first of two in a row", "r,oops,zz,2\n", `in.csv:62: column "x": "oops" is not a number`},
		{"unseen before unparsable", "r,1,zz,2\nr,bad,a,2\n", `in.csv:62: column "c": level "zz"`},
		{"unparsable before unseen", "r,bad,a,2\nr,1,zz,2\n", `in.csv:62: column "x": "bad"`},
		{"after a quoted line", "\"r\n\n\",1,a,2\nr,1,\"q\nq\",2\n", `in.csv:65: column "c": level "q\nq"`},
	}
	for _, tc := range cases {
		for _, bs := range []int{5, 64, 0} {
			dir := t.TempDir()
			in := writeFile(t, dir, "in.csv", []byte(pre.String()+tc.tail+"r,1,a,2\n"))
			_, _, err := blocks(bs).run(t, mpath, in, "-o", filepath.Join(dir, "out.csv"), "--strict")
			if errs.Code(err) != errs.Usage || err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("%s, block size %d: code %d, %v; want %q", tc.name, bs, errs.Code(err), err, tc.msg)
			}
			if !strings.Contains(errs.Hint(err), "without --strict") {
				t.Errorf("hint %q", errs.Hint(err))
			}
			if left := leftovers(t, dir, "in.csv"); len(left) > 0 {
				t.Fatalf("left behind: %v", left)
			}
		}
	}
	// Without --strict the same file scores, and the counts say why.
	in := writeFile(t, t.TempDir(), "in.csv", []byte(pre.String()+"r,bad,zz,2\nr,?,zz,x\n"))
	_, stderr, err := env{}.run(t, mpath, in, "-o", "-")
	if err != nil || stderr != "mlctl: scored 32 rows; as NA: x 1 unparsable value, c 2 unseen levels, t 1 unparsable value\n" {
		t.Fatalf("%v, stderr %q", err, stderr)
	}
	// And a clean file passes --strict.
	if _, stderr, err := (env{}).run(t, mpath, writeFile(t, t.TempDir(), "in.csv", []byte(pre.String())), "-o", "-", "--strict"); err != nil || stderr != "mlctl: scored 30 rows\n" {
		t.Fatalf("%v %q", err, stderr)
	}
}

// A failed run keeps an existing OUTPUT as it was and leaves no temporary
// file; a good run replaces it.
func TestScoreKeepsOldOutputOnFailure(t *testing.T) {
	mpath := writeModel(t, testGBM(1, "bernoulli", "no", "yes"), 0.5)
	dir := t.TempDir()
	out := writeFile(t, dir, "out.csv", []byte("old\n"))
	bad := writeFile(t, dir, "bad.csv", append(genCSV(2000, 1, ",", "\n"), "1,\"unclosed\n"...))
	_, _, err := blocks(1000).run(t, mpath, bad, "-o", out)
	if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), "never closed") {
		t.Fatalf("error %v", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "old\n" {
		t.Fatalf("output now %q", b)
	}
	if left := leftovers(t, dir, "out.csv", "bad.csv"); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
	good := writeFile(t, dir, "good.csv", genCSV(10, 1, ",", "\n"))
	if _, _, err := (env{}).run(t, mpath, good, "-o", out); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); !bytes.HasPrefix(b, []byte("predict,p_no,p_yes\n")) {
		t.Fatalf("output %q", b)
	}
}

// Ctrl-C (the context ending) while the input is still coming stops the
// run with exit 130 and removes the temporary file.
func TestScoreInterrupted(t *testing.T) {
	mpath := writeModel(t, testGBM(1, "bernoulli", "no", "yes"), 0.5)
	dir := t.TempDir()
	pr, pw := io.Pipe()
	defer pr.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		pw.Write(genCSV(3000, 1, ",", "\n")) // more than the first block
		cancel()
		// Then nothing more: the read blocks until the test closes the pipe.
	}()
	e := env{ctx: ctx, stdin: pr, tune: func(o *ScoreOptions) { o.BlockSize = 1000 }}
	_, _, err := e.run(t, mpath, "-", "-o", filepath.Join(dir, "out.csv"))
	if errs.Code(err) != errs.Interrupted || !strings.Contains(err.Error(), "out.csv not written") {
		t.Fatalf("code %d: %v", errs.Code(err), err)
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// A damaged or tampered artifact is refused with exit 7 before any input
// is read.
func TestScoreDamagedArtifact(t *testing.T) {
	mpath := writeModel(t, testGBM(1, "bernoulli", "no", "yes"), 0.5)
	b, err := os.ReadFile(mpath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", genCSV(10, 1, ",", "\n"))
	flipped := bytes.Clone(b)
	flipped[len(flipped)/2] ^= 0x40
	for name, data := range map[string][]byte{"truncated": b[:len(b)*2/3], "flipped": flipped, "empty": nil} {
		p := writeFile(t, dir, name+".mlz", data)
		_, _, err := env{}.run(t, p, in, "-o", filepath.Join(dir, "out.csv"))
		if errs.Code(err) != errs.Integrity {
			t.Errorf("%s: code %d (%v), want %d", name, errs.Code(err), err, errs.Integrity)
		}
	}
	if left := leftovers(t, dir, "in.csv", "truncated.mlz", "flipped.mlz", "empty.mlz"); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// Flags: the format follows OUTPUT's extension unless --format says, the
// workers default to the CPUs, bad values are usage errors.
func TestScoreFlags(t *testing.T) {
	var got *ScoreOptions
	exec := func(tty bool, args ...string) error {
		got = nil
		f := testFactory(tty)
		cmd := NewCmdScore(f, func(o *ScoreOptions) error { got = o; return nil })
		return execCmd(cmd, args...)
	}
	if err := exec(false, "m.mlz", "in.csv", "-o", "out.PARQUET", "--keep", "a, b", "--sep", "tab"); err != nil {
		t.Fatal(err)
	}
	if got.Format != FormatParquet || got.Workers < 1 || got.Sep != '\t' || strings.Join(got.Keep, "|") != "a|b" || got.Model != "m.mlz" || got.Input != "in.csv" {
		t.Fatalf("options %+v", got)
	}
	if err := exec(false, "m.mlz", "in.csv", "-o", "out.parquet", "--format", "csv", "--workers", "3"); err != nil || got.Format != FormatCSV || got.Workers != 3 {
		t.Fatalf("%v %+v", err, got)
	}
	if err := exec(false, "m.mlz", "-", "-o", "-"); err != nil || got.Format != FormatCSV {
		t.Fatalf("%v %+v", err, got)
	}
	for _, bad := range [][]string{
		{"m.mlz", "in.csv"},
		{"m.mlz", "-o", "x.csv"},
		{"m.mlz", "in.csv", "extra", "-o", "x.csv"},
		{"m.mlz", "in.csv", "-o", "x.csv", "--format", "json"},
		{"m.mlz", "in.csv", "-o", "x.csv", "--workers", "0"},
		{"m.mlz", "in.csv", "-o", "x.csv", "--sep", "ab"},
		{"m.mlz", "in.csv", "-o", "x.csv", "--keep", "a,a"},
		{"m.mlz", "in.csv", "-o", "x.csv", "--keep", "a,,b"},
		{"m.mlz", "in.csv", "-o", "x.csv", "--bogus"},
	} {
		if err := exec(false, bad...); errs.Code(err) != errs.Usage {
			t.Errorf("%q: code %d (%v)", bad, errs.Code(err), err)
		}
	}
	if err := exec(true, "m.mlz", "in.csv", "-o", "-", "--format", "parquet"); errs.Code(err) != errs.Usage {
		t.Errorf("parquet to a terminal: %v", err)
	}
	if err := exec(false, "m.mlz", "in.csv", "-o", "-", "--format", "parquet"); err != nil {
		t.Errorf("parquet to a pipe: %v", err)
	}
}

// On a terminal, progress is drawn on stderr and cleared before the final
// line; piped, only the final line is printed (checked by every other
// test).
func TestScoreProgressOnTerminal(t *testing.T) {
	mpath := writeModel(t, testGBM(1, "bernoulli", "no", "yes"), 0.5)
	in := writeFile(t, t.TempDir(), "in.csv", genCSV(2000, 1, ",", "\n"))
	e := blocks(4000)
	e.tty = true
	_, stderr, err := e.run(t, mpath, in, "-o", "-")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stderr, "\rscoring ") || !strings.Contains(stderr, "%  ") || !strings.Contains(stderr, " rows") {
		t.Fatalf("no progress line: %q", stderr)
	}
	last := stderr[strings.LastIndex(stderr, "\r")+1:]
	if !strings.HasPrefix(last, "mlctl: scored 2,000 rows; as NA: ") || strings.Count(last, "\n") != 1 {
		t.Fatalf("final line %q", last)
	}
}

// Output fields are quoted exactly when the parser would read them
// otherwise.
func TestAppendField(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "": "", " 7": " 7", "a,b": `"a,b"`, `say "hi"`: `"say ""hi"""`,
		"two\nlines": "\"two\nlines\"", "cr\r": "\"cr\r\"", "a;b": "a;b",
	} {
		if got := string(appendField(nil, in, ',')); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	if got := string(appendField(nil, "a;b", ';')); got != `"a;b"` {
		t.Errorf("with ';': %q", got)
	}
}
