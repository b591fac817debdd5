package scoring

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func testGBM() *GBM {
	tr := testTree()
	return &GBM{Schema: Schema{Features: []Feature{{Name: "a", Type: Numeric}, {Name: "b", Type: Categorical, Domain: []string{"p", "q", "r", "s"}}, {Name: "c", Type: Numeric}},
		Response: "y", Classes: []string{"no", "yes"}}, Distribution: "bernoulli", InitF: []float64{-0.25}, Trees: []Tree{tr, tr}}
}

func testGLM() *GLM {
	s := Schema{Features: []Feature{{Name: "x", Type: Numeric}, {Name: "c", Type: Categorical, Domain: []string{"a", "b", "c"}}}, Offset: "off", Response: "n"}
	return &GLM{Schema: s, Family: "tweedie", Link: "tweedie", TweediePower: 1.5, LinkPower: 0, Intercept: true, Start: []int{0, 1}, Beta: [][]float64{{0.5, 1, -1, 0.25}}, Impute: []float64{2, 1}}
}

func testArtifact(m Model) *Artifact {
	return &Artifact{
		Manifest: Manifest{ModelID: "m1", Params: json.RawMessage(`{"ntrees":2}`), Metrics: json.RawMessage(`{"train":{"auc":0.7}}`), Threshold: 0.4,
			Lineage: Lineage{DataFingerprint: "abc", Sources: []string{"hdfs:///d.csv"}, Rows: 10, Principal: "alice@EXAMPLE.COM", Cluster: "demo"}},
		Model:    m,
		Example:  &Example{Columns: []string{"a", "b", "c"}, Rows: [][]string{{"1", "q", ""}}},
		Baseline: &Baseline{Rows: 10, Features: []Histogram{{Name: "a", Type: Numeric, Edges: []float64{1, 2}, Counts: []int64{3, 4, 2}, Missing: 1}}},
	}
}

func writeArtifact(t *testing.T, a *Artifact, key ed25519.PrivateKey) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, a, key); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readBytes(b []byte, opt ReadOptions) (*Artifact, error) {
	return Read(bytes.NewReader(b), int64(len(b)), opt)
}

func TestArtifactRoundTrip(t *testing.T) {
	for _, m := range []Model{testGBM(), testGLM()} {
		b := writeArtifact(t, testArtifact(m), nil)
		a, err := readBytes(b, ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", m.Algo(), err)
		}
		if !reflect.DeepEqual(a.Model, m) {
			t.Errorf("%s: model changed in the round trip:\n%+v\n%+v", m.Algo(), a.Model, m)
		}
		mf := a.Manifest
		if mf.FormatVersion != FormatVersion || mf.Algo != m.Algo() || mf.Threshold != 0.4 || mf.Lineage.Principal != "alice@EXAMPLE.COM" || len(mf.Entries) != 3 {
			t.Errorf("%s: manifest %+v", m.Algo(), mf)
		}
		if a.Example == nil || a.Example.Rows[0][1] != "q" || a.Baseline == nil || a.Baseline.Features[0].Counts[1] != 4 {
			t.Errorf("%s: example %+v baseline %+v", m.Algo(), a.Example, a.Baseline)
		}
		if a.Signature != nil || a.Verified {
			t.Errorf("%s: unsigned artifact reads as signed", m.Algo())
		}
		// Writing is deterministic for a given manifest.
		if b2 := writeArtifact(t, &Artifact{Manifest: a.Manifest, Model: a.Model, Example: a.Example, Baseline: a.Baseline}, nil); !bytes.Equal(b, b2) {
			t.Errorf("%s: rewriting what was read changes the bytes", m.Algo())
		}
	}
}

func TestArtifactSignature(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	other, _, _ := ed25519.GenerateKey(nil)
	b := writeArtifact(t, testArtifact(testGBM()), priv)
	a, err := readBytes(b, ReadOptions{PublicKey: pub})
	if err != nil || !a.Verified || a.Signature.KeyID != KeyID(pub) {
		t.Fatalf("signed artifact with its key: %v %+v", err, a)
	}
	if a, err := readBytes(b, ReadOptions{}); err != nil || a.Verified || a.Signature == nil {
		t.Errorf("signed artifact without a key: %v", err)
	}
	if _, err := readBytes(b, ReadOptions{PublicKey: other}); !errors.Is(err, ErrSignature) || !strings.Contains(err.Error(), KeyID(pub)) {
		t.Errorf("wrong key: %v", err)
	}
	unsigned := writeArtifact(t, testArtifact(testGBM()), nil)
	if _, err := readBytes(unsigned, ReadOptions{PublicKey: pub}); !errors.Is(err, ErrUnsigned) {
		t.Errorf("unsigned with a key: %v", err)
	}
	// A manifest changed and re-zipped with honest checksums still fails the
	// signature: the signature covers the manifest's bytes.
	a.Manifest.Lineage.Principal = "mallory@EXAMPLE.COM"
	forged := writeArtifact(t, &Artifact{Manifest: a.Manifest, Model: a.Model}, nil)
	forged = appendSignature(t, forged, b)
	if _, err := readBytes(forged, ReadOptions{PublicKey: pub}); !errors.Is(err, ErrSignature) {
		t.Errorf("forged manifest with the old signature: %v", err)
	}
}

// appendSignature rebuilds art with the signature entry of signed.
func appendSignature(t *testing.T, art, signed []byte) []byte {
	t.Helper()
	sa, err := readBytes(signed, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	zipSig, _ := json.Marshal(sa.Signature)
	return rezip(t, art, map[string][]byte{SignatureEntry: zipSig})
}

// Every single flipped byte and every truncation is either refused with an
// artifact error or (for bytes zip does not cover, such as header times)
// reads back exactly the same artifact. Never a panic, never other numbers.
func TestArtifactTampering(t *testing.T) {
	for _, m := range []Model{testGBM(), testGLM()} {
		b := writeArtifact(t, testArtifact(m), nil)
		want, _ := readBytes(b, ReadOptions{})
		for i := range b {
			c := append([]byte(nil), b...)
			c[i] ^= 0x20
			a, err := readBytes(c, ReadOptions{})
			if err != nil {
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotArtifact) && !errors.Is(err, ErrNewerFormat) {
					t.Fatalf("%s: byte %d flipped: untyped error %v", m.Algo(), i, err)
				}
				continue
			}
			if !reflect.DeepEqual(a.Model, want.Model) || !reflect.DeepEqual(a.Manifest, want.Manifest) {
				t.Fatalf("%s: byte %d flipped reads as a different artifact", m.Algo(), i)
			}
		}
		for n := 0; n < len(b); n++ {
			if _, err := readBytes(b[:n], ReadOptions{}); err == nil {
				t.Fatalf("%s: truncated to %d of %d bytes reads without error", m.Algo(), n, len(b))
			}
		}
	}
}

func TestArtifactRefusals(t *testing.T) {
	if _, err := readBytes([]byte("feature,value\n1,2\n"), ReadOptions{}); !errors.Is(err, ErrNotArtifact) {
		t.Errorf("CSV: %v", err)
	}
	b := writeArtifact(t, testArtifact(testGBM()), nil)
	newer := rezip(t, b, map[string][]byte{ManifestEntry: bytes.Replace(manifestOf(t, b), []byte(`"format_version": 1`), []byte(`"format_version": 9`), 1)})
	if _, err := readBytes(newer, ReadOptions{}); !errors.Is(err, ErrNewerFormat) || !strings.Contains(err.Error(), "version 9") {
		t.Errorf("newer format: %v", err)
	}
	extra := rezip(t, b, map[string][]byte{"payload.sh": []byte("#!/bin/sh\n")})
	if _, err := readBytes(extra, ReadOptions{}); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "payload.sh") {
		t.Errorf("unlisted entry: %v", err)
	}
	mojo := rezip(t, b, map[string][]byte{"model.ini": []byte("[info]\n")})
	mojo = dropEntry(t, mojo, ManifestEntry)
	if _, err := readBytes(mojo, ReadOptions{}); !errors.Is(err, ErrNotArtifact) || !strings.Contains(err.Error(), "h2o-mojo") {
		t.Errorf("MOJO: %v", err)
	}
	bad := testGBM()
	bad.Trees[0].Left[0] = 0 // a loop
	if err := Write(&bytes.Buffer{}, testArtifact(bad), nil); err == nil {
		t.Error("an invalid model was written")
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.mlz")
	if err := WriteFile(p, testArtifact(testGLM()), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(p, ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	bad := testGLM()
	bad.Beta[0][0] = math.NaN()
	if err := WriteFile(filepath.Join(dir, "bad.mlz"), testArtifact(bad), nil); err == nil {
		t.Fatal("NaN coefficient written")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
}

func TestKeysRoundTrip(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	pp, pb, err := MarshalKeys(priv)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := ParsePrivateKey(pp)
	if err != nil || !p2.Equal(priv) {
		t.Fatalf("private: %v", err)
	}
	b2, err := ParsePublicKey(pb)
	if err != nil || !b2.Equal(pub) {
		t.Fatalf("public: %v", err)
	}
	if _, err := ParsePublicKey(pp); err == nil {
		t.Error("a private key read as a public one")
	}
}

func FuzzReadArtifact(f *testing.F) {
	_, priv, _ := ed25519.GenerateKey(nil)
	var buf bytes.Buffer
	Write(&buf, testArtifact(testGBM()), priv)
	f.Add(buf.Bytes())
	buf.Reset()
	Write(&buf, testArtifact(testGLM()), nil)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b), int64(len(b)), ReadOptions{})
		if err != nil {
			return
		}
		// Whatever reads must score without a panic, row by row, in a
		// batch (both through the compiled form) and for contributions,
		// and both fast paths must agree with the plain definition.
		s := a.Model.ModelSchema()
		vals := []float64{math.NaN(), 0, 1, -1, 3, 1e300, math.Inf(1), math.Inf(-1)}
		cols := make([][]float64, s.RowLen())
		for j := range cols {
			cols[j] = make([]float64, len(vals))
			for r := range vals {
				cols[j][r] = vals[(r+j)%len(vals)]
			}
		}
		nout := len(a.Model.Outputs())
		out := make([][]float64, nout)
		for k := range out {
			out[k] = make([]float64, len(vals))
		}
		a.Model.(Batcher).PredictBatch(cols, out)
		row, pred, ref := make([]float64, s.RowLen()), make([]float64, nout), make([]float64, nout)
		same := func(x, y float64) bool {
			return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
		}
		for r := range vals {
			for j := range row {
				row[j] = cols[j][r]
			}
			a.Model.Predict(row, pred)
			definedPredict(a.Model, row, ref)
			for k := range pred {
				if !same(pred[k], ref[k]) || !same(out[k][r], ref[k]) {
					t.Fatalf("row %d output %d: Predict %v, PredictBatch %v, the plain definition %v", r, k, pred[k], out[k][r], ref[k])
				}
			}
			c := a.Model.(Contributor)
			c.Contributions(row, make([]float64, len(c.ContributionNames())))
		}
	})
}

// rezip rewrites the zip b with some entries replaced or added.
func rezip(t *testing.T, b []byte, set map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	put := func(name string, data []byte) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	done := map[string]bool{}
	for _, f := range zr.File {
		data, ok := set[f.Name]
		if !ok {
			rc, _ := f.Open()
			data, _ = io.ReadAll(rc)
			rc.Close()
		}
		put(f.Name, data)
		done[f.Name] = true
	}
	for name, data := range set {
		if !done[name] {
			put(name, data)
		}
	}
	zw.Close()
	return out.Bytes()
}

func dropEntry(t *testing.T, b []byte, name string) []byte {
	t.Helper()
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != name {
			zw.Copy(f)
		}
	}
	zw.Close()
	return out.Bytes()
}

func manifestOf(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	rc, err := zr.Open(ManifestEntry)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	m, _ := io.ReadAll(rc)
	return m
}

// definedPredict is the definition the fast paths must meet: a GBM's margins
// summed over Tree.Leaf in tree order, then the offset and Transform; a
// GLM's Predict (which is already plain).
func definedPredict(m Model, row, out []float64) {
	g, ok := m.(*GBM)
	if !ok {
		m.Predict(row, out)
		return
	}
	k := g.Classes()
	mg := append([]float64(nil), g.InitF...)
	for t := range g.Trees {
		tr := &g.Trees[t]
		mg[t%k] += tr.Value[tr.Leaf(row)]
	}
	if g.Schema.Offset != "" {
		if o := row[len(g.Schema.Features)]; !math.IsNaN(o) {
			for c := range mg {
				mg[c] += o
			}
		}
	}
	Transform(g.Distribution, mg, out)
}
