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
)

// Errors Read returns, to test with errors.Is; the message says which entry
// and what to do.
var (
	ErrNotArtifact = errors.New("not an mlctl model artifact")
	ErrCorrupt     = errors.New("artifact is damaged or was modified")
	ErrNewerFormat = errors.New("artifact format is newer than this scorer")
	ErrSignature   = errors.New("artifact signature does not verify")
	ErrUnsigned    = errors.New("artifact is not signed")
)

// ReadOptions tune Read.
type ReadOptions struct {
	// PublicKey, when set, must verify the artifact's signature: an unsigned
	// artifact or one signed by another key is refused.
	PublicKey ed25519.PublicKey
}

// Entries larger than this are refused before they are read: a model body of
// a few hundred MiB is already far beyond any model mlctl trains.
const maxEntry = 1 << 30

// Open reads and checks the artifact at path (see Read).
func Open(path string, opt ReadOptions) (*Artifact, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory: %w", path, ErrNotArtifact)
	}
	a, err := Read(f, st.Size(), opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// Read reads an artifact and checks it whole before returning: the format
// version, every entry's size and SHA-256 against the manifest, that no
// entry is unlisted, the signature when opt has a key, and that the model
// is consistent (Validate). Any failure is an error wrapping one of the
// Err values above; nothing half-checked is returned.
func Read(r io.ReaderAt, size int64, opt ReadOptions) (*Artifact, error) {
	var magic [4]byte
	if n, _ := r.ReadAt(magic[:], 0); n < 4 || string(magic[:]) != "PK\x03\x04" {
		return nil, fmt.Errorf("%w: it does not start like one (an artifact is a zip file holding %s)", ErrNotArtifact, ManifestEntry)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v (a truncated or partly copied file?)", ErrCorrupt, err)
	}
	byName := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		if byName[f.Name] != nil {
			return nil, fmt.Errorf("%w: entry %s appears twice", ErrCorrupt, f.Name)
		}
		byName[f.Name] = f
	}
	mf := byName[ManifestEntry]
	if mf == nil {
		hint := ""
		if byName["model.ini"] != nil {
			hint = "; it looks like an H2O MOJO: convert it with mlctl model import --from h2o-mojo"
		}
		return nil, fmt.Errorf("%w: a zip file without %s%s", ErrNotArtifact, ManifestEntry, hint)
	}
	mb, err := readEntry(mf, 64<<20)
	if err != nil {
		return nil, err
	}
	a := &Artifact{}
	if err := parseManifest(mb, &a.Manifest); err != nil {
		return nil, err
	}
	m := &a.Manifest
	data := map[string][]byte{}
	for _, e := range m.Entries {
		f := byName[e.Name]
		if f == nil {
			return nil, fmt.Errorf("%w: entry %s, listed in the manifest, is missing", ErrCorrupt, e.Name)
		}
		if e.Size < 0 || e.Size > maxEntry || f.UncompressedSize64 != uint64(e.Size) {
			return nil, fmt.Errorf("%w: entry %s has %d bytes, the manifest says %d", ErrCorrupt, e.Name, f.UncompressedSize64, e.Size)
		}
		b, err := readEntry(f, e.Size)
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(b)
		if hex.EncodeToString(h[:]) != e.SHA256 {
			return nil, fmt.Errorf("%w: entry %s does not match its SHA-256 in the manifest", ErrCorrupt, e.Name)
		}
		data[e.Name] = b
	}
	for name := range byName {
		if _, ok := data[name]; !ok && name != ManifestEntry && name != SignatureEntry {
			return nil, fmt.Errorf("%w: entry %s is not listed in the manifest", ErrCorrupt, name)
		}
	}
	if sf := byName[SignatureEntry]; sf != nil {
		sb, err := readEntry(sf, 1<<16)
		if err != nil {
			return nil, err
		}
		a.Signature = &Signature{}
		if err := json.Unmarshal(sb, a.Signature); err != nil || a.Signature.Algorithm != "ed25519" {
			return nil, fmt.Errorf("%w: %s is not an ed25519 signature", ErrCorrupt, SignatureEntry)
		}
	}
	if opt.PublicKey != nil {
		if err := verify(mb, a.Signature, opt.PublicKey); err != nil {
			return nil, err
		}
		a.Verified = true
	}
	body, ok := data[ModelEntry]
	if !ok {
		return nil, fmt.Errorf("%w: the manifest lists no %s", ErrCorrupt, ModelEntry)
	}
	if a.Model, err = DecodeBody(body, m.Schema); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if a.Model.Algo() != m.Algo {
		return nil, fmt.Errorf("%w: the manifest says %s, the body holds a %s", ErrCorrupt, m.Algo, a.Model.Algo())
	}
	if b, ok := data[ExampleEntry]; ok {
		a.Example = &Example{}
		if err := json.Unmarshal(b, a.Example); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, ExampleEntry, err)
		}
	}
	if b, ok := data[BaselineEntry]; ok {
		a.Baseline = &Baseline{}
		if err := json.Unmarshal(b, a.Baseline); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, BaselineEntry, err)
		}
	}
	return a, nil
}

func parseManifest(b []byte, m *Manifest) error {
	var head struct {
		Format        string `json:"format"`
		FormatVersion int    `json:"format_version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return fmt.Errorf("%w: %s is not JSON: %v", ErrCorrupt, ManifestEntry, err)
	}
	if head.Format != FormatName {
		return fmt.Errorf("%w: its manifest names format %q, not %q", ErrNotArtifact, head.Format, FormatName)
	}
	if head.FormatVersion > FormatVersion {
		return fmt.Errorf("%w: it has format version %d, this scorer reads up to %d; use a newer mlctl", ErrNewerFormat, head.FormatVersion, FormatVersion)
	}
	if head.FormatVersion < 1 {
		return fmt.Errorf("%w: format version %d", ErrCorrupt, head.FormatVersion)
	}
	if err := json.Unmarshal(b, m); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, ManifestEntry, err)
	}
	return nil
}

// readEntry reads a zip entry of at most limit bytes; zip checks its CRC at
// the end, so a changed byte is reported even before the SHA-256 check.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%w: entry %s is %d bytes, more than the %d allowed", ErrCorrupt, f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: entry %s: %v", ErrCorrupt, f.Name, err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	buf.Grow(int(min(f.UncompressedSize64, 1<<20))) // the header may lie; grow as data comes
	n, err := io.Copy(&buf, io.LimitReader(rc, limit+1))
	if err == nil && n > limit {
		err = errors.New("longer than its header says")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: entry %s: %v", ErrCorrupt, f.Name, err)
	}
	return buf.Bytes(), nil
}

func verify(manifest []byte, sig *Signature, pub ed25519.PublicKey) error {
	if sig == nil {
		return fmt.Errorf("%w: a key was given but the artifact carries no signature (export it with --sign-key)", ErrUnsigned)
	}
	raw, err := hex.DecodeString(sig.Signature)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return fmt.Errorf("%w: the signature entry is malformed", ErrSignature)
	}
	if !ed25519.Verify(pub, manifest, raw) {
		if sig.KeyID != KeyID(pub) {
			return fmt.Errorf("%w: signed by key %s, checked with key %s (wrong public key?)", ErrSignature, sig.KeyID, KeyID(pub))
		}
		return fmt.Errorf("%w with key %s: the manifest was changed after signing", ErrSignature, KeyID(pub))
	}
	return nil
}
