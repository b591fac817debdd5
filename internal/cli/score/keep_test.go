package score

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/scoring"
)

// Kept columns come first, with the text the input had: quoted fields
// unquoted, NA tokens as they were written, numbers as written (not as
// parsed), a categorical column's unseen levels too.
func TestScoreKeep(t *testing.T) {
	model := testGBM(2, "bernoulli", "0", "1")
	mpath := writeModel(t, model, 0.5)
	data := genCSV(400, 7, ",", "\n")
	want := reference(t, model, 0.5, data, ',', []string{"id", "x", "c", "note"})
	for _, bs := range []int{3, 64, 0} {
		dir := t.TempDir()
		in := writeFile(t, dir, "in.csv", data)
		stdout, _, err := blocks(bs).run(t, mpath, in, "-o", "-", "--keep", "id,x", "--keep", "c,note")
		if err != nil {
			t.Fatal(err)
		}
		header, rows := readCSV(t, stdout, ',')
		if w := []string{"id", "x", "c", "note", "predict", "p_0", "p_1"}; !reflect.DeepEqual(header, w) {
			t.Fatalf("header %q", header)
		}
		if !reflect.DeepEqual(rows, want) {
			for i := range rows {
				if !reflect.DeepEqual(rows[i], want[i]) {
					t.Fatalf("block size %d: row %d: %q, want %q", bs, i, rows[i], want[i])
				}
			}
			t.Fatalf("block size %d: %d rows, want %d", bs, len(rows), len(want))
		}
	}
}

// The exact bytes of kept fields, CR LF inside quotes and NA spellings
// included, and how the output quotes them.
func TestScoreKeepExactText(t *testing.T) {
	mpath := writeModel(t, testGBM(3, "bernoulli", "no", "yes"), 0.5)
	in := "id,x,c,t\n" +
		"\"a\r\nb\",1.50,a,1\n" + // a quoted CR LF stays; 1.50 is kept as written
		"NA,NA,NA,2\n" + // NA tokens are kept as written, not emptied
		",,zz,3\n" + // empty fields stay empty; an unseen level is kept
		"\"q\"\"uote\",\" 7\",\"b\",4\n"
	stdout, _, err := env{}.run(t, mpath, writeFile(t, t.TempDir(), "in.csv", []byte(in)), "-o", "-", "--keep", "id,x,c")
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, rec := range splitRecords(stdout) {
		kept = append(kept, strings.Join(rec[:3], "|"))
	}
	want := []string{"id|x|c", "\"a\r\nb\"|1.50|a", "NA|NA|NA", "||zz", "\"q\"\"uote\"| 7|b"}
	if !reflect.DeepEqual(kept, want) {
		t.Fatalf("kept fields %q, want %q\n(output %q)", kept, want, stdout)
	}
}

// splitRecords cuts CSV text into records of raw (still quoted) fields.
func splitRecords(s string) [][]string {
	var recs [][]string
	var rec []string
	var field strings.Builder
	inQ := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			inQ = !inQ
			field.WriteByte(c)
		case !inQ && c == ',':
			rec = append(rec, field.String())
			field.Reset()
		case !inQ && c == '\n':
			rec = append(rec, field.String())
			field.Reset()
			recs = append(recs, rec)
			rec = nil
		default:
			field.WriteByte(c)
		}
	}
	return recs
}

// A regression with an offset column, and a multinomial model's labels.
func TestScoreOffsetAndMultinomial(t *testing.T) {
	glm := testGLM()
	data := []byte("x,c,t,off\n1,a,2,0.5\nNA,zz,,\n-3,d,4,1e3\n")
	stdout, _, err := env{}.run(t, writeModel(t, glm, 0), writeFile(t, t.TempDir(), "in.csv", data), "-o", "-")
	if err != nil {
		t.Fatal(err)
	}
	header, rows := readCSV(t, stdout, ',')
	want := reference(t, glm, 0, data, ',', nil)
	if !reflect.DeepEqual(header, []string{"predict"}) || !reflect.DeepEqual(rows, want) {
		t.Fatalf("%q %q, want %q", header, rows, want)
	}
	_, _, err = env{}.run(t, writeModel(t, glm, 0), writeFile(t, t.TempDir(), "in.csv", []byte("x,c,t\n1,a,2\n")), "-o", "-")
	if errs.Code(err) != errs.Usage || !strings.Contains(fmt.Sprint(err), `no column "off", which the model uses ("off" is its offset column)`) {
		t.Fatalf("missing offset: %v", err)
	}

	mn := testGBM(4, "multinomial", "lo", "mid", "hi")
	data = genCSV(200, 8, ",", "\n")
	stdout, _, err = blocks(50).run(t, writeModel(t, mn, 0), writeFile(t, t.TempDir(), "in.csv", data), "-o", "-")
	if err != nil {
		t.Fatal(err)
	}
	header, rows = readCSV(t, stdout, ',')
	if !reflect.DeepEqual(header, []string{"predict", "p_lo", "p_mid", "p_hi"}) || !reflect.DeepEqual(rows, reference(t, mn, 0, data, ',', nil)) {
		t.Fatalf("multinomial: %q", header)
	}
	labels := map[string]bool{}
	for _, r := range rows {
		labels[r[0]] = true
	}
	if len(labels) < 2 {
		t.Errorf("labels %v: the test model should predict more than one class", labels)
	}
}

// A binomial artifact without a usable threshold labels at 0.5, as the
// cluster does; one with a threshold uses it.
func TestScoreThreshold(t *testing.T) {
	m := testGBM(5, "bernoulli", "no", "yes")
	data := genCSV(300, 9, ",", "\n")
	in := writeFile(t, t.TempDir(), "in.csv", data)
	count := func(th float64) int {
		p := writeModel(t, m, th)
		a, err := scoring.Open(p, scoring.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if th == 0 && a.Manifest.Threshold != 0 && a.Manifest.Threshold != 0.5 {
			t.Fatalf("threshold %v in the manifest", a.Manifest.Threshold)
		}
		stdout, _, err := env{}.run(t, p, in, "-o", "-")
		if err != nil {
			t.Fatal(err)
		}
		_, rows := readCSV(t, stdout, ',')
		yes := 0
		for _, r := range rows {
			p1, _ := strconv.ParseFloat(r[2], 64)
			if (r[0] == "yes") != (p1 >= max(th, 0.5*b2f(th == 0))) {
				t.Fatalf("threshold %v: row %q", th, r)
			}
			if r[0] == "yes" {
				yes++
			}
		}
		return yes
	}
	if a, b := count(0), count(0.9); !(a > b) {
		t.Errorf("%d rows are yes at 0.5, %d at 0.9", a, b)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// --contributions adds each class's per-feature contributions and bias,
// which add up to the margin.
func TestScoreContributions(t *testing.T) {
	m := testGBM(6, "bernoulli", "no", "yes")
	data := genCSV(100, 10, ",", "\n")
	stdout, _, err := blocks(40).run(t, writeModel(t, m, 0.5), writeFile(t, t.TempDir(), "in.csv", data), "-o", "-", "--contributions")
	if err != nil {
		t.Fatal(err)
	}
	header, rows := readCSV(t, stdout, ',')
	if w := []string{"predict", "p_no", "p_yes", "contrib_x", "contrib_c", "contrib_t", "contrib_bias"}; !reflect.DeepEqual(header, w) {
		t.Fatalf("header %q, want %q", header, w)
	}
	want := reference(t, m, 0.5, data, ',', nil)
	for i, r := range rows {
		if !reflect.DeepEqual(r[:3], want[i]) {
			t.Fatalf("row %d: %q, want %q", i, r[:3], want[i])
		}
		sum := 0.0
		for _, v := range r[3:] {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			sum += f
		}
		p1, _ := strconv.ParseFloat(r[2], 64)
		if got := scoring.Sigmoid(sum); math.Abs(got-p1) > 1e-12 {
			t.Fatalf("row %d: contributions add up to %v, sigmoid %v, p_yes %v", i, sum, got, p1)
		}
	}

	// A model that cannot: a usage error before anything is read.
	if _, err := newScorer(&scoring.Artifact{Model: plainModel{m}}, true); errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), "cannot split") {
		t.Fatalf("error %v", err)
	}
}

// plainModel hides every interface but scoring.Model.
type plainModel struct{ m scoring.Model }

func (p plainModel) Algo() string                 { return p.m.Algo() }
func (p plainModel) ModelSchema() *scoring.Schema { return p.m.ModelSchema() }
func (p plainModel) Outputs() []string            { return p.m.Outputs() }
func (p plainModel) Predict(row, out []float64)   { p.m.Predict(row, out) }

// The row-by-row path (a model without PredictBatch) gives the bits of
// the batch path, NaNs and unseen codes included.
func TestPredictRowPathMatchesBatch(t *testing.T) {
	for _, m := range []scoring.Model{testGBM(7, "bernoulli", "no", "yes"), testGBM(8, "multinomial", "a", "b", "c"), testGLM()} {
		rng := rand.New(rand.NewPCG(3, 3))
		n := 1000
		cols := make([][]float64, m.ModelSchema().RowLen())
		for k := range cols {
			cols[k] = make([]float64, n)
			for r := range cols[k] {
				switch {
				case rng.IntN(10) == 0:
					cols[k][r] = math.NaN()
				case k == 1:
					cols[k][r] = float64(rng.IntN(4))
				default:
					cols[k][r] = rng.NormFloat64() * 5
				}
			}
		}
		batch, err := newScorer(&scoring.Artifact{Model: m}, true)
		if err != nil {
			t.Fatal(err)
		}
		if batch.batch == nil {
			t.Fatalf("%s: scoring's models should offer PredictBatch", m.Algo())
		}
		rows := *batch
		rows.batch = nil
		a, b := &scored{n: n}, &scored{n: n}
		batch.predict(cols, a)
		rows.predict(cols, b)
		if !bitsEqual(a.out, b.out) || !reflect.DeepEqual(a.label, b.label) || !bitsEqual([][]float64{a.contrib}, [][]float64{b.contrib}) {
			t.Fatalf("%s: the batch and row paths differ", m.Algo())
		}
	}
}

func bitsEqual(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for j := range a {
		if len(a[j]) != len(b[j]) {
			return false
		}
		for i := range a[j] {
			if math.Float64bits(a[j][i]) != math.Float64bits(b[j][i]) {
				return false
			}
		}
	}
	return true
}

// One worker or many give the same bytes.
func TestScoreWorkers(t *testing.T) {
	data := genCSV(500, 11, ",", "\n")
	in := writeFile(t, t.TempDir(), "in.csv", data)
	mpath := writeModel(t, testGBM(7, "bernoulli", "no", "yes"), 0.5)
	var outs []string
	for _, w := range []int{1, 8} {
		e := env{tune: func(o *ScoreOptions) { o.BlockSize = 97; o.Workers = w }}
		stdout, _, err := e.run(t, mpath, in, "-o", "-")
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, stdout)
	}
	if outs[0] != outs[1] || strings.Count(outs[0], "\n") != 501 {
		t.Fatal("outputs differ between 1 and 8 workers")
	}
}
