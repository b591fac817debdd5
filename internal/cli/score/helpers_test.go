package score

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/scoring"
	"github.com/spf13/cobra"
)

// testSchema: x numeric, c categorical (levels a..d), t numeric; classes
// no/yes.
func testSchema(classes ...string) scoring.Schema {
	return scoring.Schema{
		Features: []scoring.Feature{
			{Name: "x", Type: scoring.Numeric},
			{Name: "c", Type: scoring.Categorical, Domain: []string{"a", "b", "c", "d"}},
			{Name: "t", Type: scoring.Numeric},
		},
		Response: "y",
		Classes:  classes,
	}
}

// randomTree grows a tree of the given depth over s's features, with
// numeric splits (either NA direction) and level sets, breadth-first.
func randomTree(rng *rand.Rand, s *scoring.Schema, depth int) scoring.Tree {
	return randomTreeIn(rng, s, depth, nil, func(int) float64 { return float64(rng.IntN(200)-100) / 10 })
}

// randomTreeIn is randomTree splitting on the features feats (nil: all),
// with the numeric thresholds drawn by thr.
func randomTreeIn(rng *rand.Rand, s *scoring.Schema, depth int, feats []int, thr func(feature int) float64) scoring.Tree {
	var t scoring.Tree
	add := func() int32 {
		t.Feature = append(t.Feature, -1)
		t.Threshold = append(t.Threshold, 0)
		t.Flags = append(t.Flags, 0)
		t.CatStart = append(t.CatStart, 0)
		t.CatWords = append(t.CatWords, 0)
		t.Left = append(t.Left, -1)
		t.Right = append(t.Right, -1)
		t.Value = append(t.Value, 0)
		t.Cover = append(t.Cover, 1)
		return int32(len(t.Feature) - 1)
	}
	type item struct {
		node  int32
		depth int
	}
	queue := []item{{add(), 0}}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		i := it.node
		if it.depth == depth {
			t.Value[i] = math.Round(rng.NormFloat64()*1000) / 1000
			continue
		}
		f := rng.IntN(len(s.Features))
		if feats != nil {
			f = feats[rng.IntN(len(feats))]
		}
		t.Feature[i] = int32(f)
		if rng.IntN(2) == 0 {
			t.Flags[i] |= scoring.FlagNALeft
		}
		if s.Features[f].Type == scoring.Categorical {
			t.Flags[i] |= scoring.FlagCat
			n := len(s.Features[f].Domain)
			t.CatStart[i] = int32(len(t.Cats))
			t.CatWords[i] = int32((n + 63) / 64)
			for w := 0; w < (n+63)/64; w++ {
				bits := rng.Uint64()
				if rest := n - 64*w; rest < 64 {
					bits &= 1<<rest - 1
				}
				t.Cats = append(t.Cats, bits)
			}
		} else {
			t.Threshold[i] = thr(f)
		}
		l, r := add(), add()
		t.Left[i], t.Right[i] = l, r
		queue = append(queue, item{l, it.depth + 1}, item{r, it.depth + 1})
	}
	return t
}

func testGBM(seed uint64, dist string, classes ...string) *scoring.GBM {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := testSchema(classes...)
	k := 1
	if dist == "multinomial" {
		k = len(classes)
	}
	m := &scoring.GBM{Schema: s, Distribution: dist, InitF: make([]float64, k)}
	for c := range m.InitF {
		m.InitF[c] = rng.NormFloat64() / 10
	}
	for range 6 * k {
		m.Trees = append(m.Trees, randomTree(rng, &s, 3))
	}
	return m
}

// testGLM is a gaussian GLM with an offset column "off".
func testGLM() *scoring.GLM {
	s := testSchema()
	s.Offset = "off"
	// slots: x, c.b, c.c, c.d, t, intercept
	return &scoring.GLM{Schema: s, Family: "gaussian", Link: "identity", Intercept: true,
		Start: []int{0, 1, 4}, Beta: [][]float64{{0.5, 1.25, -1, 0.125, -0.3, 0.1}}, Impute: []float64{1.5, 2, -0.25}}
}

// writeModel writes m as an artifact and returns its path.
func writeModel(t testing.TB, m scoring.Model, threshold float64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "m.mlz")
	a := &scoring.Artifact{Model: m, Manifest: scoring.Manifest{ModelID: "m", Threshold: threshold}}
	if err := scoring.WriteFile(p, a, nil); err != nil {
		t.Fatal(err)
	}
	return p
}

// env is how a test runs the command.
type env struct {
	ctx   context.Context
	stdin io.Reader
	hdfs  cmdutil.HDFS
	// tune changes the options after the flags, before Run (block size).
	tune func(*ScoreOptions)
	tty  bool
}

// run runs `mlctl score` with args and returns stdout, stderr and the error.
func (e env) run(t testing.TB, args ...string) (string, string, error) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	if e.stdin != nil {
		ios.In = e.stdin
	}
	ios.SetStdoutTTY(e.tty)
	ios.SetStderrTTY(e.tty)
	f := &cmdutil.Factory{IOStreams: ios, HDFS: func(context.Context) (cmdutil.HDFS, error) {
		if e.hdfs == nil {
			return nil, errors.New("no HDFS in this test")
		}
		return e.hdfs, nil
	}}
	cmd := NewCmdScore(f, func(o *ScoreOptions) error {
		if e.tune != nil {
			e.tune(o)
		}
		return Run(o)
	})
	ctx := e.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	cmd.SetContext(ctx)
	err := execCmd(cmd, args...)
	return out.String(), errOut.String(), err
}

// testFactory is a factory over test streams, without HDFS.
func testFactory(tty bool) *cmdutil.Factory {
	ios, _, _, _ := iostreams.Test()
	ios.SetStdoutTTY(tty)
	ios.SetStderrTTY(tty)
	return &cmdutil.Factory{IOStreams: ios, HDFS: func(context.Context) (cmdutil.HDFS, error) { return nil, errors.New("no HDFS in this test") }}
}

// execCmd runs cmd as the root command would (silenced, flag errors as
// usage errors).
func execCmd(cmd *cobra.Command, args ...string) error {
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	_, err := cmd.ExecuteContextC(ctx)
	return err
}

// blocks is an env whose text blocks are n bytes.
func blocks(n int) env { return env{tune: func(o *ScoreOptions) { o.BlockSize = n }} }

// reference scores a CSV the plain way: encoding/csv for the fields, NA
// tokens and strconv.ParseFloat for the values, the model's Predict for
// each row. It returns the rows it expects, as strings, with the columns
// of `mlctl score` (kept columns, predict, p_<class>).
func reference(t *testing.T, m scoring.Model, threshold float64, data []byte, sep rune, keep []string) [][]string {
	t.Helper()
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sep
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("reference reader: %v", err)
	}
	header := recs[0]
	col := func(n string) int {
		i := slices.Index(header, n)
		if i < 0 {
			t.Fatalf("reference: no column %q", n)
		}
		return i
	}
	s := m.ModelSchema()
	na := func(v string) bool {
		return v == "" || slices.Contains([]string{"NA", "N/A", "null", "NULL", "NaN", "?"}, v)
	}
	var out [][]string
	for _, rec := range recs[1:] {
		if len(rec) == 1 && rec[0] == "" {
			continue // a blank line
		}
		row := make([]float64, s.RowLen())
		for j, f := range s.Features {
			v := rec[col(f.Name)]
			row[j] = math.NaN()
			switch {
			case na(v):
			case f.Type == scoring.Categorical:
				if c := slices.Index(f.Domain, v); c >= 0 {
					row[j] = float64(c)
				}
			default:
				if x, err := strconv.ParseFloat(v, 64); err == nil || errors.Is(err, strconv.ErrRange) {
					row[j] = x
				}
			}
		}
		if s.Offset != "" {
			v := rec[col(s.Offset)]
			row[len(s.Features)] = math.NaN()
			if x, err := strconv.ParseFloat(v, 64); err == nil && !na(v) {
				row[len(s.Features)] = x
			}
		}
		pred := make([]float64, len(m.Outputs()))
		m.Predict(row, pred)
		var line []string
		for _, k := range keep {
			v := rec[col(k)]
			line = append(line, v)
		}
		switch len(s.Classes) {
		case 0:
			line = append(line, fmtF(pred[0]))
		case 2:
			label := s.Classes[0]
			if pred[1] >= threshold {
				label = s.Classes[1]
			}
			line = append(line, label)
		default:
			best := 0
			for k := range pred {
				if pred[k] > pred[best] {
					best = k
				}
			}
			line = append(line, s.Classes[best])
		}
		if len(s.Classes) > 0 {
			for _, p := range pred {
				line = append(line, fmtF(p))
			}
		}
		out = append(out, line)
	}
	return out
}

func fmtF(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// readCSV splits output CSV into its header and rows.
func readCSV(t *testing.T, text string, sep rune) ([]string, [][]string) {
	t.Helper()
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sep
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, text)
	}
	if len(recs) == 0 {
		t.Fatalf("no output")
	}
	return recs[0], recs[1:]
}

// leftovers lists the files in dir other than keep.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if !slices.Contains(keep, e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
