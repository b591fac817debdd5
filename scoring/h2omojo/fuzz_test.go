package h2omojo

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/scoring"
)

// FuzzRead: any bytes either fail to read or give a model that passes
// scoring.Validate and this package's own layout checks, and scores probe
// rows without panicking.
func FuzzRead(f *testing.F) {
	matches, _ := filepath.Glob(filepath.Join(fixtures, "*.zip"))
	if len(matches) < 14 {
		f.Fatalf("found %d fixture zips in %s (regenerate with gen.sh)", len(matches), fixtures)
	}
	for _, p := range matches {
		// Without experimental/ (model details JSON the reader never needs)
		// the seeds are a few KB, which keeps mutation and minimization quick.
		f.Add(rezip(f, strings.TrimSuffix(filepath.Base(p), ".zip"), func(name string, b []byte) ([]byte, bool) {
			return b, !strings.HasPrefix(name, "experimental/")
		}))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, info, err := Read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if m != nil || info != nil {
				t.Fatalf("error %v with a model", err)
			}
			return
		}
		checkModel(t, m)
	})
}

func checkModel(t *testing.T, m scoring.Model) {
	t.Helper()
	if err := scoring.Validate(m); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	s := m.ModelSchema()
	switch v := m.(type) {
	case *scoring.GBM:
		if len(v.Trees)%v.Classes() != 0 {
			t.Fatalf("%d trees for %d classes", len(v.Trees), v.Classes())
		}
		for k := range v.Trees {
			tr := &v.Trees[k]
			parents := make([]int, tr.Nodes())
			for i := range tr.Feature {
				if tr.Feature[i] < 0 {
					continue
				}
				parents[tr.Left[i]]++
				parents[tr.Right[i]]++
				if fl := tr.Flags[i]; fl&scoring.FlagCat != 0 && s.Features[tr.Feature[i]].Type != scoring.Categorical {
					t.Fatalf("tree %d node %d: bitset on numeric feature", k, i)
				}
			}
			for i, p := range parents {
				if p != map[bool]int{true: 0, false: 1}[i == 0] {
					t.Fatalf("tree %d node %d has %d parents", k, i, p)
				}
			}
		}
	case *scoring.GLM:
		slots := 1
		for _, f := range s.Features {
			if f.Type == scoring.Categorical {
				slots += len(f.Domain) - 1
			} else {
				slots++
			}
		}
		if !v.Intercept || v.Slots() != slots {
			t.Fatalf("%d slots, the schema needs %d", v.Slots(), slots)
		}
		for j := 1; j < len(v.Start); j++ {
			if v.Start[j] <= v.Start[j-1] && s.Features[j-1].Type == scoring.Numeric {
				t.Fatalf("slot starts %v", v.Start)
			}
		}
	default:
		t.Fatalf("model type %T", m)
	}
	out := make([]float64, len(m.Outputs()))
	for _, probe := range []func(j int, f scoring.Feature) float64{
		func(int, scoring.Feature) float64 { return math.NaN() },
		func(int, scoring.Feature) float64 { return 0 },
		func(_ int, f scoring.Feature) float64 {
			if f.Type == scoring.Categorical {
				return float64(len(f.Domain) - 1)
			}
			return 1.5
		},
		func(_ int, f scoring.Feature) float64 {
			if f.Type == scoring.Categorical {
				return math.NaN()
			}
			return -1e300
		},
	} {
		row := make([]float64, s.RowLen())
		for j, f := range s.Features {
			row[j] = probe(j, f)
		}
		m.Predict(row, out)
		if len(s.Classes) > 0 {
			sum := 0.0
			for _, p := range out {
				sum += p
			}
			if !math.IsNaN(sum) && math.Abs(sum-1) > 1e-9 {
				t.Fatalf("probabilities %v", out)
			}
		}
	}
}

// FuzzDecodeTree: any tree bytes that import score every row exactly as
// H2O's byte walk does.
func FuzzDecodeTree(f *testing.F) {
	rng := rand.New(rand.NewPCG(7, 8))
	levels := []int{0, 3, 70}
	for i := 0; i < 20; i++ {
		f.Add(encode(randTree(rng, 1+rng.IntN(5), levels, []float32{0, 1, -2.5})))
	}
	zr, err := zip.OpenReader(filepath.Join(fixtures, "gbm_multinomial.zip"))
	if err != nil {
		f.Fatal(err)
	}
	for _, zf := range zr.File[:8] {
		if strings.HasPrefix(zf.Name, "trees/") && !strings.HasSuffix(zf.Name, "_aux.bin") {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			f.Add(b)
		}
	}
	zr.Close()
	f.Fuzz(func(t *testing.T, b []byte) {
		nodes, err := decodeTree(b)
		if err != nil {
			return
		}
		if len(nodes) == 0 || len(nodes) > len(b)/4+1 {
			t.Fatalf("%d nodes from %d bytes", len(nodes), len(b))
		}
		budget := maxCatWords
		tr, err := toTree(nodes, make([]float64, len(nodes)), levels, 1, &budget)
		if err != nil {
			return
		}
		splits := []float32{0}
		for _, n := range nodes {
			if !n.leaf && n.kind == 0 && n.naDir != naVsRest {
				splits = append(splits, n.split)
			}
		}
		r := rand.New(rand.NewPCG(uint64(len(b)), 9))
		for i := 0; i < 50; i++ {
			row := randRow(r, levels, splits)
			if got, want := tr.Value[tr.Leaf(row)], refScore(b, row, levels); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("row %v: %v, H2O's rule %v", row, got, want)
			}
		}
	})
}
