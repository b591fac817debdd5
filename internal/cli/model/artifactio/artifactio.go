package artifactio

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/scoring"
)

// HDFSPath returns the file system path of an hdfs:// URL ("hdfs:///a/b",
// "hdfs://nameservice/a/b") and true, or "" and false for a local path.
func HDFSPath(p string) (string, bool, error) {
	hp, _, isHDFS, err := splitHDFS(p)
	return hp, isHDFS, err
}

func splitHDFS(p string) (path, authority string, isHDFS bool, err error) {
	if !strings.HasPrefix(p, "hdfs://") {
		return "", "", false, nil
	}
	u, err := url.Parse(p)
	if err != nil || u.Path == "" || !strings.HasPrefix(u.Path, "/") {
		return "", "", true, cmdutil.UsageErrorf("%q is not an HDFS path: write hdfs:///absolute/path", p)
	}
	return u.Path, u.Host, true, nil
}

// Client returns the HDFS client for an hdfs:// URL and its path, refusing
// a URL whose authority names another file system than the default one.
func Client(ctx context.Context, hdfsFn func(context.Context) (cmdutil.HDFS, error), p string) (cmdutil.HDFS, string, error) {
	hp, auth, _, err := splitHDFS(p)
	if err != nil {
		return nil, "", err
	}
	c, err := hdfsFn(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := c.CheckAuthority(auth); err != nil {
		return nil, "", errs.New(errs.Usage, err, "")
	}
	return c, hp, nil
}

// ReadFile reads a whole local or HDFS file.
func ReadFile(ctx context.Context, hdfsFn func(context.Context) (cmdutil.HDFS, error), p string) ([]byte, error) {
	if !strings.HasPrefix(p, "hdfs://") {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errs.New(errs.NotFound, err, "")
		}
		return b, err
	}
	c, hp, err := Client(ctx, hdfsFn, p)
	if err != nil {
		return nil, err
	}
	rc, err := c.Open(ctx, hp, 0, -1)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errs.New(errs.NotFound, fmt.Errorf("%s: %w", p, err), "")
		}
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// WriteFile writes data atomically (a temporary file and a rename) to a
// local path or an HDFS URL; a failure leaves nothing behind.
func WriteFile(ctx context.Context, hdfsFn func(context.Context) (cmdutil.HDFS, error), p string, data []byte, perm os.FileMode) error {
	if !strings.HasPrefix(p, "hdfs://") {
		return scoring.WriteFileAtomic(p, data, perm)
	}
	c, hp, err := Client(ctx, hdfsFn, p)
	if err != nil {
		return err
	}
	if err := c.WriteFileAtomic(ctx, hp, data, perm); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return nil
}

// LoadPublicKey reads a PEM public key file ("" = none).
func LoadPublicKey(p string) (ed25519.PublicKey, error) {
	if p == "" {
		return nil, nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, errs.New(errs.Usage, fmt.Errorf("--key: %w", err), "mlctl keygen -o PREFIX writes PREFIX.pub")
	}
	k, err := scoring.ParsePublicKey(b)
	if err != nil {
		return nil, errs.New(errs.Usage, fmt.Errorf("--key %s: %w", p, err), "")
	}
	return k, nil
}

// LoadPrivateKey reads a PEM private key file ("" = none) and refuses one
// that others can read, as ssh does.
func LoadPrivateKey(p string) (ed25519.PrivateKey, error) {
	if p == "" {
		return nil, nil
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, errs.New(errs.Usage, fmt.Errorf("--sign-key: %w", err), "mlctl keygen -o PREFIX writes PREFIX.key")
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, errs.New(errs.Usage, fmt.Errorf("--sign-key %s is readable by others (mode %04o)", p, st.Mode().Perm()), "chmod 600 "+p)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, errs.New(errs.Usage, fmt.Errorf("--sign-key: %w", err), "")
	}
	k, err := scoring.ParsePrivateKey(b)
	if err != nil {
		return nil, errs.New(errs.Usage, fmt.Errorf("--sign-key %s: %w", p, err), "")
	}
	return k, nil
}

// Open reads and checks an artifact at a local path or HDFS URL; with
// pub, its signature must verify with that key. Artifact errors come back
// with exit code 7 (or 6 for a missing file) and a hint.
func Open(ctx context.Context, hdfsFn func(context.Context) (cmdutil.HDFS, error), p string, pub ed25519.PublicKey) (*scoring.Artifact, error) {
	b, err := ReadFile(ctx, hdfsFn, p)
	if err != nil {
		return nil, err
	}
	a, err := scoring.Read(bytes.NewReader(b), int64(len(b)), scoring.ReadOptions{PublicKey: pub})
	if err != nil {
		return nil, Error(p, err)
	}
	return a, nil
}

// Error maps an artifact error to exit code 7 with a hint.
func Error(p string, err error) error {
	hint := ""
	switch {
	case errors.Is(err, scoring.ErrNotArtifact):
		hint = "mlctl model export writes artifacts; mlctl model import converts LightGBM, XGBoost and H2O MOJO models"
	case errors.Is(err, scoring.ErrNewerFormat):
		hint = "install a newer mlctl to read it"
	case errors.Is(err, scoring.ErrSignature), errors.Is(err, scoring.ErrUnsigned):
		hint = "check --key is the public half of the key that signed it; mlctl model inspect shows the signer's key id"
	case errors.Is(err, scoring.ErrCorrupt):
		hint = "the file was truncated, damaged or changed after export: export or copy it again"
	default:
		return fmt.Errorf("%s: %w", p, err)
	}
	return errs.New(errs.Integrity, fmt.Errorf("%s: %w", p, err), hint)
}
