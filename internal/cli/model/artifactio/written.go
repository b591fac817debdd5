package artifactio

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/scoring"
)

// Written is what export and import print about the artifact they wrote
// (--output json|yaml gives these fields).
type Written struct {
	Path     string `json:"path"`
	ModelID  string `json:"model_id"`
	Algo     string `json:"algo"`
	Bytes    int    `json:"bytes"`
	SHA256   string `json:"sha256"`
	SignedBy string `json:"signed_by,omitempty"` // key id
}

// Write encodes a (signed with key when not nil) and writes it atomically
// to a local path or an HDFS URL.
func Write(ctx context.Context, hdfsFn func(context.Context) (cmdutil.HDFS, error), p string, a *scoring.Artifact, key ed25519.PrivateKey) (*Written, error) {
	var buf bytes.Buffer
	if err := scoring.Write(&buf, a, key); err != nil {
		return nil, err
	}
	if err := WriteFile(ctx, hdfsFn, p, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	w := &Written{Path: p, ModelID: a.Manifest.ModelID, Algo: a.Model.Algo(), Bytes: buf.Len(), SHA256: hex.EncodeToString(sum[:])}
	if key != nil {
		w.SignedBy = scoring.KeyID(key.Public().(ed25519.PublicKey))
	}
	return w, nil
}

// Print reports a written artifact: its path when piped, a line for people
// on a terminal, or the fields as JSON/YAML.
func (w *Written) Print(ios *iostreams.IOStreams, format cmdutil.OutputFormat) error {
	if format.IsData() {
		return cmdutil.WriteData(ios.Out, format, w)
	}
	if !ios.IsStdoutTTY() {
		_, err := fmt.Fprintln(ios.Out, w.Path)
		return err
	}
	signed := "unsigned"
	if w.SignedBy != "" {
		signed = "signed by key " + w.SignedBy
	}
	cs := ios.ColorScheme()
	_, err := fmt.Fprintf(ios.Out, "Wrote %s (%s, %s, %s)\nsha256 %s\nCheck it with: mlctl model verify %s\n",
		cs.Cyan(w.Path), w.Algo, cmdutil.Bytes(ios, int64(w.Bytes)), signed, w.SHA256, w.Path)
	return err
}
