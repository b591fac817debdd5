package scoring

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// FormatVersion is the artifact format this package writes and the newest it
// reads. docs/artifact.md documents it.
const FormatVersion = 1

// FormatName is the manifest's "format" value.
const FormatName = "mlctl-model"

// Entry names inside an artifact.
const (
	ManifestEntry  = "manifest.json"
	ModelEntry     = "model.bin"
	ExampleEntry   = "example.json"
	BaselineEntry  = "baseline.json"
	SignatureEntry = "signature.json"
)

// Manifest describes an artifact: what the model is, how it was made, and
// a SHA-256 for every other entry. The signature, when present, covers the
// manifest's exact bytes, and through the checksums every entry.
type Manifest struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
	ModelID       string `json:"model_id"`
	Algo          string `json:"algo"`
	// Kind is regression, binomial or multinomial.
	Kind    string          `json:"kind"`
	Schema  Schema          `json:"schema"`
	Outputs []string        `json:"outputs"`
	Params  json.RawMessage `json:"params,omitempty"`
	Metrics json.RawMessage `json:"metrics,omitempty"`
	// Threshold is the binomial cut for the predicted label (class 1 when
	// p1 >= Threshold; 0.5 unless training chose another); 0 for other
	// kinds.
	Threshold float64 `json:"threshold"`
	Lineage   Lineage `json:"lineage"`
	Source    *Source `json:"source,omitempty"`
	Created   string  `json:"created"`
	Entries   []Entry `json:"entries"`
}

// Source says where an imported model came from.
type Source struct {
	Format string            `json:"format"` // lightgbm | xgboost | h2o-mojo
	File   string            `json:"file"`
	SHA256 string            `json:"sha256"`
	Info   map[string]string `json:"info,omitempty"`
}

// Lineage traces a model back to its data, its maker and its cluster.
type Lineage struct {
	// DataFingerprint is a SHA-256 over the training frame's schema and
	// chunks in order; the same data gives the same value on any node count.
	DataFingerprint string   `json:"data_fingerprint,omitempty"`
	Frame           string   `json:"frame,omitempty"`
	Sources         []string `json:"sources,omitempty"`
	Rows            int64    `json:"rows,omitempty"`
	Principal       string   `json:"principal,omitempty"`
	User            string   `json:"user,omitempty"`
	Cluster         string   `json:"cluster,omitempty"`
	Backend         string   `json:"backend,omitempty"`
	ApplicationID   string   `json:"application_id,omitempty"`
	MlctlVersion    string   `json:"mlctl_version,omitempty"`
	Trained         string   `json:"trained,omitempty"`  // RFC 3339
	Exported        string   `json:"exported,omitempty"` // RFC 3339
}

// Entry is one file of the artifact and its checksum.
type Entry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Example is a few input rows as they would appear in a file, for a user
// or a test harness to try the model with.
type Example struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// Baseline is the training data's distribution, for drift monitoring: each
// feature's histogram on the training frame and that of the predictions.
type Baseline struct {
	Rows       int64       `json:"rows"`
	Features   []Histogram `json:"features"`
	Prediction *Histogram  `json:"prediction,omitempty"`
}

// Histogram counts values: numeric ones by bins with the given upper edges
// (value <= Edges[i] falls in bin i; the last bin takes the rest),
// categorical ones by level (Levels, in the feature's domain order).
type Histogram struct {
	Name    string    `json:"name"`
	Type    string    `json:"type"`
	Edges   []float64 `json:"edges,omitempty"`
	Counts  []int64   `json:"counts"`
	Missing int64     `json:"missing"`
	Mean    float64   `json:"mean,omitempty"`
}

// Signature is the signature entry: an ed25519 signature of the manifest's
// bytes and the SHA-256 of the public key that checks it.
type Signature struct {
	Algorithm string `json:"algorithm"` // ed25519
	KeyID     string `json:"key_id"`
	Signature string `json:"signature"` // hex
}

// Artifact is an opened or to-be-written artifact.
type Artifact struct {
	Manifest Manifest
	Model    Model
	Example  *Example
	Baseline *Baseline
	// Signature is the signature found when reading (nil if unsigned);
	// Verified says it was checked against a key given to Read.
	Signature *Signature
	Verified  bool
}

// KeyID names a public key: the hex SHA-256 of its bytes, first 16 digits.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// Write writes a as an artifact to w, filling in the manifest's format,
// outputs and entries; key, when not nil, signs the manifest.
func Write(w io.Writer, a *Artifact, key ed25519.PrivateKey) error {
	if err := Validate(a.Model); err != nil {
		return fmt.Errorf("scoring: refusing to write an invalid model: %w", err)
	}
	body, err := EncodeBody(a.Model)
	if err != nil {
		return err
	}
	type file struct {
		name string
		data []byte
	}
	files := []file{{ModelEntry, body}}
	if a.Example != nil {
		b, err := json.Marshal(a.Example)
		if err != nil {
			return err
		}
		files = append(files, file{ExampleEntry, b})
	}
	if a.Baseline != nil {
		b, err := marshalFinite(a.Baseline)
		if err != nil {
			return err
		}
		files = append(files, file{BaselineEntry, b})
	}
	m := a.Manifest
	m.Format, m.FormatVersion = FormatName, FormatVersion
	m.Algo = a.Model.Algo()
	m.Schema = *a.Model.ModelSchema()
	m.Outputs = OutputColumns(&m.Schema)
	if m.Kind == "" {
		m.Kind = KindOf(&m.Schema)
	}
	if m.Kind == "binomial" && !(m.Threshold > 0 && m.Threshold <= 1) {
		m.Threshold = 0.5
	}
	if m.Created == "" {
		m.Created = time.Now().UTC().Format(time.RFC3339)
	}
	m.Entries = m.Entries[:0:0]
	for _, f := range files {
		h := sha256.Sum256(f.data)
		m.Entries = append(m.Entries, Entry{Name: f.name, Size: int64(len(f.data)), SHA256: hex.EncodeToString(h[:])})
	}
	mb, err := json.MarshalIndent(&m, "", "  ")
	if err != nil {
		return fmt.Errorf("scoring: manifest: %w", err)
	}
	zw := zip.NewWriter(w)
	add := func(name string, data []byte, method uint16) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: time.Unix(0, 0).UTC()})
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	}
	// The manifest first and stored, so `unzip -p` and a reader that looks
	// at the first bytes both find it.
	if err := add(ManifestEntry, mb, zip.Store); err != nil {
		return err
	}
	for _, f := range files {
		if err := add(f.name, f.data, zip.Deflate); err != nil {
			return err
		}
	}
	if key != nil {
		pub, _ := key.Public().(ed25519.PublicKey)
		sig := Signature{Algorithm: "ed25519", KeyID: KeyID(pub), Signature: hex.EncodeToString(ed25519.Sign(key, mb))}
		sb, _ := json.MarshalIndent(&sig, "", "  ")
		if err := add(SignatureEntry, sb, zip.Store); err != nil {
			return err
		}
	}
	return zw.Close()
}

// WriteFile writes the artifact to path atomically: into a temporary file
// in the same directory, synced, then renamed over path. A failure leaves
// no file behind.
func WriteFile(path string, a *Artifact, key ed25519.PrivateKey) error {
	var buf bytes.Buffer
	if err := Write(&buf, a, key); err != nil {
		return err
	}
	return WriteFileAtomic(path, buf.Bytes(), 0o644)
}

// WriteFileAtomic writes data to path through a temporary file and a
// rename, so readers see the old file or the whole new one.
func WriteFileAtomic(path string, data []byte, mode os.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// KindOf is regression, binomial or multinomial from a schema's classes.
func KindOf(s *Schema) string {
	switch {
	case len(s.Classes) == 0:
		return "regression"
	case len(s.Classes) == 2:
		return "binomial"
	}
	return "multinomial"
}

// OutputColumns are the columns a prediction makes: "predict" (the value,
// or the class label), then "p_<class>" per class. The cluster's predict
// and `mlctl score` both use them.
func OutputColumns(s *Schema) []string {
	out := []string{"predict"}
	for _, c := range s.Classes {
		out = append(out, "p_"+c)
	}
	return out
}

// marshalFinite encodes v as JSON, refusing (rather than failing deep
// inside encoding/json) a value that holds a non-finite float.
func marshalFinite(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	var ue *json.UnsupportedValueError
	if errors.As(err, &ue) {
		return nil, fmt.Errorf("scoring: %s holds a non-finite number (%s)", fmt.Sprintf("%T", v), ue.Str)
	}
	return b, err
}
