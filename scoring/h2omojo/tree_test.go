package h2omojo

import (
	"archive/zip"
	"encoding/binary"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/scoring"
)

func importTree(t *testing.T, b []byte, levels []int) scoring.Tree {
	t.Helper()
	nodes, err := decodeTree(b)
	if err != nil {
		t.Fatal(err)
	}
	cov, err := covers(nodes, nil)
	if err != nil {
		t.Fatal(err)
	}
	budget := maxCatWords
	tr, err := toTree(nodes, cov, levels, 1, &budget)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// Random trees of every split kind and NA direction, scored on rows that sit
// on the split values, their neighbouring doubles, NaN and every level: the
// imported tree lands where H2O's byte walk does, on every row.
func TestTreeMatchesH2ORule(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	levels := []int{0, 0, 5, 40, 100, 0}
	splits := []float32{0, -1.5, 0.1, 3.3333333, 1e-30, -2e10, float32(math.Inf(1)), float32(math.SmallestNonzeroFloat32)}
	kinds := map[string]int{}
	for it := 0; it < 300; it++ {
		root := randTree(rng, 1+rng.IntN(8), levels, splits)
		b := encode(root)
		tr := importTree(t, b, levels)
		for r := 0; r < 200; r++ {
			row := randRow(rng, levels, splits)
			want := refScore(b, row, levels)
			if got := tr.Value[tr.Leaf(row)]; got != want {
				t.Fatalf("tree %d row %v: leaf value %v, H2O's rule %v", it, row, got, want)
			}
		}
		for i := range tr.Feature {
			if tr.Feature[i] >= 0 {
				kinds[[]string{"num", "cat"}[min(int(tr.Flags[i]&scoring.FlagCat), 1)]]++
			}
		}
	}
	if kinds["num"] < 100 || kinds["cat"] < 100 {
		t.Fatalf("too few splits of a kind were tried: %v", kinds)
	}
}

// Every tree of every GBM fixture, against the same rule.
func TestFixtureTreesMatchH2ORule(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, fx := range fixtureModels {
		if fx.algo != "gbm" {
			continue
		}
		m, _, err := Open(filepath.Join(fixtures, fx.name+".zip"))
		if err != nil {
			t.Fatal(err)
		}
		levels := make([]int, len(m.ModelSchema().Features))
		for j, f := range m.ModelSchema().Features {
			levels[j] = len(f.Domain)
		}
		zr, err := zip.OpenReader(filepath.Join(fixtures, fx.name+".zip"))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range zr.File {
			if !strings.HasPrefix(f.Name, "trees/") || strings.HasSuffix(f.Name, "_aux.bin") {
				continue
			}
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			nodes, err := decodeTree(b)
			if err != nil {
				t.Fatalf("%s %s: %v", fx.name, f.Name, err)
			}
			var splits []float32
			for _, nd := range nodes {
				if !nd.leaf && nd.kind == 0 {
					splits = append(splits, nd.split)
				}
			}
			if len(splits) == 0 {
				splits = []float32{0}
			}
			tr := importTree(t, b, levels)
			for r := 0; r < 300; r++ {
				row := randRow(rng, levels, splits)
				if got, want := tr.Value[tr.Leaf(row)], refScore(b, row, levels); got != want {
					t.Fatalf("%s %s row %v: %v, H2O's rule %v", fx.name, f.Name, row, got, want)
				}
			}
			n++
		}
		zr.Close()
		if n == 0 {
			t.Fatalf("%s: no trees", fx.name)
		}
	}
}

func TestThresholdIsH2OComparison(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	fs := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.1, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		math.MaxFloat32, -math.MaxFloat32, float32(math.Inf(1)), 16777217}
	for i := 0; i < 2000; i++ {
		f := math.Float32frombits(rng.Uint32())
		if !math.IsNaN(float64(f)) && !math.IsInf(float64(f), -1) {
			fs = append(fs, f)
		}
	}
	for _, f := range fs {
		th := threshold(f)
		s := float64(f)
		for _, x := range []float64{s, math.Nextafter(s, math.Inf(-1)), math.Nextafter(s, math.Inf(1)),
			math.Nextafter(math.Nextafter(s, math.Inf(-1)), math.Inf(-1)), rng.NormFloat64() * s, math.Inf(1), math.Inf(-1)} {
			if math.IsNaN(x) {
				continue
			}
			if left, h2oLeft := x <= th, !(x >= s); left != h2oLeft {
				t.Errorf("split %v: x = %v goes left %v here, %v in H2O", f, x, left, h2oLeft)
			}
		}
	}
}

// A hand-made tree with each NA direction and a bitset with an offset.
func TestTreeNADirectionsAndBitsetRange(t *testing.T) {
	// Root: x0 NA-vs-rest. Left: bitset on x1 (10 levels) covering levels
	// 4..7, bits for 5 and 7 set (they go right), NA left, so levels 0-3 and
	// 8-9 go left too. Right: x2 < 2 with NA direction None (NA right).
	bs := &tnode{col: 1, naDir: naLeft, kind: 12, bitoff: 4, nbits: 4, bits: []byte{0b1010},
		l: &tnode{leaf: true, value: 1}, r: &tnode{leaf: true, value: 2}}
	num := &tnode{col: 2, naDir: naNone, split: 2, l: &tnode{leaf: true, value: 3}, r: &tnode{leaf: true, value: 4}}
	root := &tnode{col: 0, naDir: naVsRest, l: bs, r: num}
	levels := []int{0, 10, 0}
	tr := importTree(t, encode(root), levels)
	nan := math.NaN()
	for _, c := range []struct {
		row  []float64
		want float64
	}{
		{[]float64{1, 0, 0}, 1}, {[]float64{1, 3, 0}, 1}, {[]float64{1, 4, 0}, 1}, {[]float64{1, 5, 0}, 2},
		{[]float64{1, 6, 0}, 1}, {[]float64{1, 7, 0}, 2}, {[]float64{1, 8, 0}, 1}, {[]float64{1, 9, 0}, 1},
		{[]float64{1, nan, 0}, 1}, {[]float64{math.Inf(-1), 5, 0}, 2},
		{[]float64{nan, 5, 1.9999999999999998}, 3}, {[]float64{nan, 5, 2}, 4}, {[]float64{nan, 5, nan}, 4},
	} {
		if got := tr.Value[tr.Leaf(c.row)]; got != c.want {
			t.Errorf("row %v: %v, want %v", c.row, got, c.want)
		}
		if got := refScore(encode(root), c.row, levels); got != c.want {
			t.Errorf("reference: row %v: %v, want %v", c.row, got, c.want)
		}
	}
	if tr.Flags[0] != scoring.FlagNAOnly || tr.Flags[1] != scoring.FlagCat|scoring.FlagNALeft || tr.Flags[2] != 0 {
		t.Errorf("flags %v", tr.Flags)
	}
}

// A left subtree of 256 bytes or more takes a two-byte length.
func TestTreeWideSkipField(t *testing.T) {
	var deep func(d int) *tnode
	deep = func(d int) *tnode {
		if d == 0 {
			return &tnode{leaf: true, value: float32(d)}
		}
		return &tnode{col: 0, naDir: naRight, split: float32(d), l: deep(d - 1), r: &tnode{leaf: true, value: float32(100 + d)}}
	}
	root := &tnode{col: 0, naDir: naLeft, split: 1000, l: deep(40), r: &tnode{leaf: true, value: -1}}
	b := encode(root)
	if b[0]&3 != 1 {
		t.Fatalf("node type %#x: want a 2-byte skip field", b[0])
	}
	tr := importTree(t, b, []int{0})
	for _, x := range []float64{0.5, 1, 20, 39.5, 40, 999, 1000, math.NaN()} {
		if got, want := tr.Value[tr.Leaf([]float64{x})], refScore(b, []float64{x}, []int{0}); got != want {
			t.Errorf("x = %v: %v, want %v", x, got, want)
		}
	}
}

func TestDecodeTreeMalformed(t *testing.T) {
	good := encode(&tnode{col: 0, naDir: naLeft, split: 1,
		l: &tnode{col: 1, naDir: naRight, kind: 12, bitoff: 1, nbits: 9, bits: []byte{1, 1}, l: &tnode{leaf: true}, r: &tnode{leaf: true}},
		r: &tnode{leaf: true, value: 2}})
	if _, err := decodeTree(good); err != nil {
		t.Fatal(err)
	}
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	cases := map[string][]byte{
		"empty":         {},
		"truncated":     good[:len(good)-1],
		"trailing":      append(append([]byte(nil), good...), 0),
		"na direction":  mod(func(b []byte) []byte { b[3] = 6; return b }),
		"equality":      mod(func(b []byte) []byte { b[0] |= 4; return b }),
		"nan split":     mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[4:], 0x7fc00000); return b }),
		"-inf split":    mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[4:], 0xff800000); return b }),
		"skip too long": mod(func(b []byte) []byte { b[8]++; return b }),
		"skip short":    mod(func(b []byte) []byte { b[8]--; return b }),
		"right bits":    mod(func(b []byte) []byte { b[0] = b[0]&^0xC0 | 0x40; return b }),
		"left bits":     mod(func(b []byte) []byte { b[0] = b[0]&^0x33 | 16; return b }),
		"stump length":  {0, 0xff, 0xff, 0, 0, 0, 0, 0},
		"leaf marker":   mod(func(b []byte) []byte { b[10], b[11] = 0xff, 0xff; return b }),
		"nbits < 0":     mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[15:], 0x80000000); return b }),
		"nbits huge":    mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[15:], 1<<30); return b }),
		"na-vs-rest bitset": encode(&tnode{col: 0, naDir: naVsRest, kind: 0,
			l: &tnode{leaf: true}, r: &tnode{leaf: true}}),
	}
	// The last case is well formed until its bitset bit is set.
	cases["na-vs-rest bitset"][0] |= 8
	for name, b := range cases {
		if _, err := decodeTree(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A bitset on a numeric column and a column past the features fail in
	// the layout step.
	nodes, _ := decodeTree(good)
	budget := maxCatWords
	if _, err := toTree(nodes, make([]float64, len(nodes)), []int{0, 0}, 1, &budget); err == nil {
		t.Error("bitset on a numeric column: no error")
	}
	if _, err := toTree(nodes, make([]float64, len(nodes)), []int{0}, 1, &budget); err == nil {
		t.Error("column past the features: no error")
	}
	budget = 0
	if _, err := toTree(nodes, make([]float64, len(nodes)), []int{0, 3}, 1, &budget); err == nil {
		t.Error("bitset budget exhausted: no error")
	}
}

func auxRecord(nid, left int32, wl, wr float32, nidL, nidR int32) []byte {
	le := binary.LittleEndian
	b := le.AppendUint32(nil, uint32(nid))
	b = le.AppendUint32(b, uint32(left))
	for _, f := range []float32{wl, wr, 0, 0, 0, 0} {
		b = le.AppendUint32(b, math.Float32bits(f))
	}
	b = le.AppendUint32(b, uint32(nidL))
	return le.AppendUint32(b, uint32(nidR))
}

func TestCoversFromAux(t *testing.T) {
	// Root (nid 0) splits 10 = 4 + 6; its right child (nid 2) splits 6 = 1 + 5.
	root := &tnode{col: 0, split: 1, l: &tnode{leaf: true, value: 1},
		r: &tnode{col: 0, split: 2, l: &tnode{leaf: true, value: 2}, r: &tnode{leaf: true, value: 3}}}
	nodes, err := decodeTree(encode(root))
	if err != nil {
		t.Fatal(err)
	}
	aux := append(auxRecord(0, 0, 4, 6, 1, 2), auxRecord(2, 0, 1, 5, 3, 4)...)
	a, err := decodeAux(aux)
	if err != nil {
		t.Fatal(err)
	}
	cov, err := covers(nodes, a)
	if err != nil {
		t.Fatal(err)
	}
	budget := maxCatWords
	tr, err := toTree(nodes, cov, []int{0}, 1, &budget)
	if err != nil {
		t.Fatal(err)
	}
	// Breadth-first: root, leaf 1, inner, leaf 2, leaf 3.
	want := []float64{10, 4, 6, 1, 5}
	for i, w := range want {
		if tr.Cover[i] != w {
			t.Fatalf("cover %v, want %v", tr.Cover, want)
		}
	}
	if tr.Value[1] != 1 || tr.Value[3] != 2 || tr.Value[4] != 3 || tr.Left[2] != 3 || tr.Right[2] != 4 {
		t.Fatalf("layout %+v", tr)
	}
	for name, bad := range map[string][]byte{
		"missing record": auxRecord(0, 0, 4, 6, 1, 2),
		"extra record":   append(append(auxRecord(0, 0, 4, 6, 1, 2), auxRecord(2, 0, 1, 5, 3, 4)...), auxRecord(9, 0, 1, 1, 10, 11)...),
		"self loop":      append(auxRecord(0, 0, 4, 6, 1, 0), auxRecord(2, 0, 1, 5, 3, 4)...),
		"wrong child id": append(auxRecord(0, 0, 4, 6, 1, 7), auxRecord(2, 0, 1, 5, 3, 4)...),
	} {
		a, err := decodeAux(bad)
		if err == nil {
			_, err = covers(nodes, a)
		}
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := decodeAux(aux[:39]); err == nil {
		t.Error("partial record: no error")
	}
	if _, err := decodeAux(append(aux, aux[:40]...)); err == nil {
		t.Error("duplicate record: no error")
	}
}

// The fixtures' covers come from their aux files: every root holds the 400
// training rows and every inner node's children add up to it.
func TestFixtureCovers(t *testing.T) {
	m, _, err := Open(filepath.Join(fixtures, "gbm_gaussian.zip"))
	if err != nil {
		t.Fatal(err)
	}
	for k, tr := range m.(*scoring.GBM).Trees {
		if tr.Cover[0] != 400 {
			t.Errorf("tree %d: root cover %v, want 400", k, tr.Cover[0])
		}
		for i := range tr.Feature {
			if tr.Feature[i] >= 0 && tr.Cover[tr.Left[i]]+tr.Cover[tr.Right[i]] != tr.Cover[i] {
				t.Errorf("tree %d node %d: %v != %v + %v", k, i, tr.Cover[i], tr.Cover[tr.Left[i]], tr.Cover[tr.Right[i]])
			}
		}
	}
}
