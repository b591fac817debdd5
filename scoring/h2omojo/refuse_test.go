package h2omojo

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/scoring"
)

// rezip copies a fixture zip, letting edit change an entry's bytes or drop it
// (keep false).
func rezip(t testing.TB, fixture string, edit func(name string, b []byte) (out []byte, keep bool)) []byte {
	t.Helper()
	zr, err := zip.OpenReader(filepath.Join(fixtures, fixture+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		keep := true
		if edit != nil {
			b, keep = edit(f.Name, b)
		}
		if !keep {
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// setKV sets (or with value "" removes) an [info] key of model.ini.
func setKV(ini []byte, key, value string) []byte {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(key) + ` = .*\n`)
	s := re.ReplaceAllString(string(ini), "")
	if value != "" {
		s = strings.Replace(s, "[info]\n", "[info]\n"+key+" = "+value+"\n", 1)
	}
	return []byte(s)
}

// withKV is a fixture with model.ini keys changed (pairs of key, value).
func withKV(t testing.TB, fixture string, kv ...string) []byte {
	return rezip(t, fixture, func(name string, b []byte) ([]byte, bool) {
		if name == "model.ini" {
			for i := 0; i < len(kv); i += 2 {
				b = setKV(b, kv[i], kv[i+1])
			}
		}
		return b, true
	})
}

func readBytes(b []byte) (scoring.Model, *Info, error) {
	return Read(bytes.NewReader(b), int64(len(b)))
}

func fixtureBytes(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join(fixtures, name+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRefusals(t *testing.T) {
	cases := []struct {
		name string
		zip  []byte
		says []string // the message names these
	}{
		{"drf", fixtureBytes(t, "drf"), []string{"drf", "1.40", "3.46.0.6", "GBM", "GLM"}},
		{"calibrated gbm", fixtureBytes(t, "gbm_calibrated"), []string{"calib_method = platt"}},
		{"old gbm mojo", withKV(t, "gbm_gaussian", "mojo_version", "1.10"), []string{"MOJO version 1.10", "GBM (MOJO 1.20-1.40"}},
		{"newer gbm mojo", withKV(t, "gbm_gaussian", "mojo_version", "1.50"), []string{"MOJO version 1.50"}},
		{"newer glm mojo", withKV(t, "glm_gaussian", "mojo_version", "1.10"), []string{"glm", "MOJO version 1.10"}},
		{"quasibinomial", withKV(t, "gbm_bernoulli", "distribution", "quasibinomial"), []string{`distribution "quasibinomial"`}},
		{"custom distribution", withKV(t, "gbm_gaussian", "distribution", "custom"), []string{`"custom"`}},
		{"other link", withKV(t, "gbm_gaussian", "link_function", "log"), []string{"link function log"}},
		{"one-hot encoding", withKV(t, "gbm_gaussian", "_genmodel_encoding", "OneHotExplicit"), []string{"OneHotExplicit"}},
		{"balanced classes", withKV(t, "gbm_bernoulli", "balance_classes", "true"), []string{"balance_classes"}},
		{"xgboost", withKV(t, "gbm_gaussian", "algo", "xgboost"), []string{"xgboost"}},
		{"deep learning", withKV(t, "gbm_gaussian", "algo", "deeplearning"), []string{"deeplearning"}},
		{"stacked ensemble", withKV(t, "glm_gaussian", "algo", "stackedensemble"), []string{"stackedensemble"}},
		{"unsupervised", withKV(t, "gbm_gaussian", "supervised", "false"), []string{"unsupervised"}},
		{"clustering", withKV(t, "gbm_gaussian", "category", "Clustering"), []string{"Clustering"}},
		{"ordinal glm", withKV(t, "glm_multinomial", "family", "ordinal"), []string{`"ordinal"`}},
		{"fractional binomial", withKV(t, "glm_binomial", "family", "fractionalbinomial"), []string{"fractionalbinomial"}},
		{"probit binomial", withKV(t, "glm_binomial", "link", "probit"), []string{"probit"}},
		{"skip with categoricals", withKV(t, "glm_gaussian", "mean_imputation", "false"), []string{"Skip"}},
		{"interactions", withKV(t, "glm_gaussian", "nums", "4"), []string{"interactions"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, _, err := readBytes(c.zip)
			if err == nil || m != nil {
				t.Fatalf("read: model %v, err %v; want a refusal", m, err)
			}
			var ue *UnsupportedError
			if !errors.Is(err, ErrUnsupported) || !errors.As(err, &ue) || errors.Is(err, ErrMalformed) {
				t.Fatalf("err %v: want ErrUnsupported only", err)
			}
			t.Log(err)
			for _, w := range c.says {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	drop := func(fixture, entry string) []byte {
		return rezip(t, fixture, func(name string, b []byte) ([]byte, bool) { return b, name != entry })
	}
	replace := func(fixture, entry string, f func([]byte) []byte) []byte {
		return rezip(t, fixture, func(name string, b []byte) ([]byte, bool) {
			if name == entry {
				b = f(b)
			}
			return b, true
		})
	}
	cases := map[string][]byte{
		"not a zip":           []byte("model.ini"),
		"no model.ini":        drop("gbm_gaussian", "model.ini"),
		"no domain file":      drop("gbm_gaussian", "domains/d000.txt"),
		"short domain":        replace("gbm_gaussian", "domains/d000.txt", func(b []byte) []byte { return b[:2] }),
		"truncated tree":      replace("gbm_gaussian", "trees/t00_003.bin", func(b []byte) []byte { return b[:len(b)-3] }),
		"aux garbage":         replace("gbm_gaussian", "trees/t00_003_aux.bin", func(b []byte) []byte { return b[:len(b)-40] }),
		"n_columns":           withKV(t, "gbm_gaussian", "n_columns", "3"),
		"n_features":          withKV(t, "gbm_gaussian", "n_features", "9"),
		"init_f":              withKV(t, "gbm_gaussian", "init_f", "abc"),
		"no init_f":           withKV(t, "gbm_gaussian", "init_f", ""),
		"n_trees":             withKV(t, "gbm_gaussian", "n_trees", "100000000"),
		"trees per class":     withKV(t, "gbm_multinomial", "n_trees_per_class", "2"),
		"n_classes":           withKV(t, "gbm_multinomial", "n_classes", "4"),
		"offset not a column": withKV(t, "gbm_poisson", "offset_column", "exposure"),
		"beta length":         withKV(t, "glm_gaussian", "beta", "[1.0, 2.0]"),
		"beta not numbers":    withKV(t, "glm_gaussian", "beta", "[a, b]"),
		"cat_offsets":         withKV(t, "glm_gaussian", "cat_offsets", "[0, 38, 44]"),
		"cat_modes":           withKV(t, "glm_gaussian", "cat_modes", "[16]"),
		"cat mode level":      withKV(t, "glm_gaussian", "cat_modes", "[40, 0]"),
		"boolean":             withKV(t, "glm_gaussian", "use_all_factor_levels", "yes"),
		"no encoding":         withKV(t, "gbm_gaussian", "_genmodel_encoding", ""),
	}
	for name, z := range cases {
		m, _, err := readBytes(z)
		if err == nil || m != nil {
			t.Errorf("%s: model %v, err %v", name, m, err)
			continue
		}
		t.Logf("%s: %v", name, err)
		if !errors.Is(err, ErrMalformed) || errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: %v: want ErrMalformed only", name, err)
		}
	}
}

// A two-class GBM trained with distribution multinomial keeps one tree per
// group: class 0's margin is f (init_f included), class 1's -f. Made here
// from the bernoulli fixture by relabelling its distribution.
func TestTwoClassMultinomialGBM(t *testing.T) {
	bern, _, err := Open(filepath.Join(fixtures, "gbm_bernoulli.zip"))
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := readBytes(withKV(t, "gbm_bernoulli", "distribution", "multinomial", "link_function", "log"))
	if err != nil {
		t.Fatal(err)
	}
	g := m.(*scoring.GBM)
	if g.Distribution != "bernoulli" || len(g.InitF) != 1 {
		t.Fatalf("distribution %s with %d margins", g.Distribution, len(g.InitF))
	}
	inHeader, inRows := readCSV(t, filepath.Join(fixtures, "inputs.csv"))
	rows := modelRows(t, m.ModelSchema(), inHeader, inRows)
	f := make([]float64, 1)
	got := make([]float64, 2)
	for _, row := range rows {
		bern.(*scoring.GBM).Margins(row, f, -1)
		// h2o-genmodel: softmax over (f, -f).
		e0, e1 := math.Exp(f[0]), math.Exp(-f[0])
		want := []float64{e0 / (e0 + e1), e1 / (e0 + e1)}
		m.Predict(row, got)
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-12 {
				t.Fatalf("row %v: %v, want %v", row, got, want)
			}
		}
	}
	if _, _, err := readBytes(withKV(t, "gbm_poisson", "distribution", "multinomial", "link_function", "log", "category", "Binomial", "n_classes", "2")); err == nil {
		t.Error("two-class multinomial with an offset: no error")
	}
}

// A GLM without categorical features, written by hand: Skip yields NaN for a
// missing value, mean imputation the mean.
func TestGLMMissingValues(t *testing.T) {
	ini := func(impute string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("model.ini")
		io.WriteString(w, `[info]
h2o_version = 3.46.0.6
mojo_version = 1.00
algo = glm
algorithm = Generalized Linear Modeling
category = Regression
supervised = true
n_features = 2
n_classes = 1
n_columns = 3
n_domains = 0
use_all_factor_levels = false
cats = 0
cat_offsets = [0]
nums = 2
`+impute+`
beta = [0.5, -2.0, 1.25]
family = gaussian
link = identity

[columns]
x1
x2
y

[domains]
`)
		zw.Close()
		return buf.Bytes()
	}
	nan := math.NaN()
	for _, c := range []struct {
		impute string
		row    []float64
		want   float64
	}{
		{"mean_imputation = false", []float64{1, 2}, 0.5 - 4 + 1.25},
		{"mean_imputation = false", []float64{nan, 2}, nan},
		{"mean_imputation = true\nnum_means = [10.0, 20.0]\ncat_modes = []", []float64{nan, 2}, 5 - 4 + 1.25},
		{"mean_imputation = true\nnum_means = [10.0, 20.0]\ncat_modes = []", []float64{1, nan}, 0.5 - 40 + 1.25},
	} {
		m, _, err := readBytes(ini(c.impute))
		if err != nil {
			t.Fatal(err)
		}
		out := []float64{0}
		m.Predict(c.row, out)
		if !(out[0] == c.want || math.IsNaN(out[0]) && math.IsNaN(c.want)) {
			t.Errorf("%s, row %v: %v, want %v", c.impute, c.row, out[0], c.want)
		}
	}
}

func TestUnescapeAndLines(t *testing.T) {
	if got := unescape(`a\nb\\c\rd\qe`); got != "a\nb\\c\rdqe" {
		t.Errorf("unescape: %q", got)
	}
	for in, want := range map[string]string{"a\nb\n": "a|b", "a\r\nb": "a|b", "a\rb\r": "a|b", "\n\n": "|", "": "", "x": "x"} {
		if got := strings.Join(splitLines(in), "|"); got != want {
			t.Errorf("splitLines(%q) = %q, want %q", in, got, want)
		}
	}
}

// A tree the zip does not hold (H2O skips a class's tree when it has nothing
// to fit) adds nothing to its class's margin.
func TestMissingTreeAddsZero(t *testing.T) {
	full, _, err := Open(filepath.Join(fixtures, "gbm_multinomial.zip"))
	if err != nil {
		t.Fatal(err)
	}
	z := rezip(t, "gbm_multinomial", func(name string, b []byte) ([]byte, bool) {
		return b, !strings.HasPrefix(name, "trees/t01_002")
	})
	m, _, err := readBytes(z)
	if err != nil {
		t.Fatal(err)
	}
	f, g := full.(*scoring.GBM), m.(*scoring.GBM)
	const idx = 2*3 + 1 // group 2, class 1
	if len(g.Trees) != len(f.Trees) || g.Trees[idx].Nodes() != 1 || g.Trees[idx].Value[0] != 0 {
		t.Fatalf("%d trees, tree %d has %d nodes", len(g.Trees), idx, g.Trees[idx].Nodes())
	}
	inHeader, inRows := readCSV(t, filepath.Join(fixtures, "inputs.csv"))
	a, b := make([]float64, 3), make([]float64, 3)
	for _, row := range modelRows(t, m.ModelSchema(), inHeader, inRows) {
		f.Margins(row, a, -1)
		g.Margins(row, b, -1)
		tr := &f.Trees[idx]
		a[1] -= tr.Value[tr.Leaf(row)]
		for k := range a {
			if math.Abs(a[k]-b[k]) > 1e-12 {
				t.Fatalf("row %v: margins %v, want %v", row, b, a)
			}
		}
	}
}
