package launcher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/internal/errs"
)

// SumCacheFile, under $MLCTL_HOME, remembers the SHA-256 of engine binaries
// already read, by (path, modification time, length), so a launch does not
// read a large binary again while it is unchanged. (On YARN the resource's
// modification time binds the check to the file the NodeManager localizes.)
const SumCacheFile = "engine-sums.json"

// sumEntry is one verified binary.
type sumEntry struct {
	MTime  int64  `json:"mtime_ms"`
	Length int64  `json:"length"`
	SHA256 string `json:"sha256"`
}

var sumCacheMu sync.Mutex // one process's writers; across processes the last write wins (a lost entry is only rehashed)

func readSumCache(home string) map[string]sumEntry {
	m := map[string]sumEntry{}
	if b, err := os.ReadFile(filepath.Join(home, SumCacheFile)); err == nil {
		json.Unmarshal(b, &m) // a damaged cache is an empty one
	}
	return m
}

func cachedSum(home, path string, mtime, length int64) (string, bool) {
	if home == "" {
		return "", false
	}
	sumCacheMu.Lock()
	defer sumCacheMu.Unlock()
	e, ok := readSumCache(home)[path]
	if !ok || e.MTime != mtime || e.Length != length {
		return "", false
	}
	return e.SHA256, true
}

func storeSum(home, path string, mtime, length int64, sum string) {
	if home == "" {
		return
	}
	sumCacheMu.Lock()
	defer sumCacheMu.Unlock()
	m := readSumCache(home)
	m[path] = sumEntry{MTime: mtime, Length: length, SHA256: sum}
	if b, err := json.MarshalIndent(m, "", "  "); err == nil && os.MkdirAll(home, 0o700) == nil {
		cloud.WriteFileAtomic(filepath.Join(home, SumCacheFile), append(b, '\n'), 0o600)
	}
}

// engineFile is where an engine binary is and how to read it.
type engineFile struct {
	Path   string // as the cache keys it: a local path, or an HDFS path
	MTime  int64  // ms
	Length int64
	Open   func(ctx context.Context) (io.ReadCloser, error)
}

// hashes counts the engine binaries hashed (not taken from the cache);
// tests read it.
var hashes struct {
	sync.Mutex
	N int
}

// verifyEngine checks the binary's SHA-256 against eb.SHA256: from the
// cache when its (path, mtime, length) was verified before, else by reading
// it through. A mismatch is exit 7 naming the path, the sums and the fix.
func verifyEngine(ctx context.Context, home string, eb *EngineBinary, f engineFile) error {
	want := strings.ToLower(strings.TrimSpace(eb.SHA256))
	if b, err := hex.DecodeString(want); err != nil || len(b) != sha256.Size {
		return errs.New(errs.Usage, fmt.Errorf("engine version %s: sha256 %q is not 64 hex digits", eb.Version, eb.SHA256),
			"fix the engine version's sha256 in the policy (mlctl admin engine upload prints it)")
	}
	got, ok := cachedSum(home, f.Path, f.MTime, f.Length)
	if !ok {
		rc, err := f.Open(ctx)
		if err != nil {
			return fmt.Errorf("reading engine version %s at %s to check its SHA-256: %w", eb.Version, f.Path, err)
		}
		h := sha256.New()
		n, err := io.Copy(h, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("reading engine version %s at %s to check its SHA-256: %w", eb.Version, f.Path, err)
		}
		if n != f.Length {
			return errs.New(errs.Integrity, fmt.Errorf("engine version %s at %s: read %d bytes, the file has %d (changed while read?)", eb.Version, f.Path, n, f.Length),
				"launch again; if it persists, stage the engine again with mlctl admin engine upload "+eb.Version)
		}
		got = hex.EncodeToString(h.Sum(nil))
		hashes.Lock()
		hashes.N++
		hashes.Unlock()
		storeSum(home, f.Path, f.MTime, f.Length, got) // the file's sum, whatever was expected of it
	}
	if got != want {
		return errs.New(errs.Integrity, fmt.Errorf("engine version %s at %s: SHA-256 mismatch: expected %s, got %s", eb.Version, f.Path, want, got),
			fmt.Sprintf("the binary is not the one the policy names: stage it again with mlctl admin engine upload %s, or correct the policy's sha256", eb.Version))
	}
	return nil
}

// localEngine checks an engine version for the local backend: its path
// must be a local executable file (an hdfs:// one runs on yarn only).
func (l *Local) localEngine(ctx context.Context, eb *EngineBinary) (string, error) {
	p := eb.Path
	if u, err := url.Parse(p); err == nil && u.Scheme != "" {
		if u.Scheme != "file" {
			return "", errs.New(errs.Usage, fmt.Errorf("engine version %s is at %s: the local backend runs only a local file as its engine", eb.Version, eb.Path),
				"use --backend yarn for this version, pick a version with a local path, or leave the engine version out to run this mlctl")
		}
		p = u.Path
	}
	if !filepath.IsAbs(p) {
		return "", errs.New(errs.Usage, fmt.Errorf("engine version %s: path %q is not absolute", eb.Version, eb.Path), "give the binary's absolute path in the policy")
	}
	st, err := os.Stat(p)
	if err != nil {
		return "", errs.New(errs.NotFound, fmt.Errorf("engine version %s: %w", eb.Version, err), "install the engine binary there, or fix its path in the policy")
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
		return "", errs.New(errs.Usage, fmt.Errorf("engine version %s: %s is not an executable file (%s)", eb.Version, p, st.Mode()), "chmod +x it, or fix its path in the policy")
	}
	err = verifyEngine(ctx, l.Home, eb, engineFile{Path: p, MTime: st.ModTime().UnixMilli(), Length: st.Size(),
		Open: func(context.Context) (io.ReadCloser, error) { return os.Open(p) }})
	return p, err
}

// yarnEngine checks an engine version staged on HDFS and returns it as the
// local resource the AM and node containers run. The stat's modification
// time goes into the resource, so YARN refuses to localize a file changed
// after the check.
func (y *YARN) yarnEngine(ctx context.Context, eb *EngineBinary) (*staged, error) {
	p := eb.Path
	if u, err := url.Parse(p); err == nil && u.Scheme != "" {
		if u.Scheme != "hdfs" {
			return nil, errs.New(errs.Usage, fmt.Errorf("engine version %s is at %s: the yarn backend runs an engine staged on HDFS (hdfs:///...)", eb.Version, eb.Path),
				"stage it with mlctl admin engine upload "+eb.Version)
		}
		if err := (&GatewayHDFS{authorities: y.authorities, defaultFS: y.conf.DefaultFS()}).CheckAuthority(u.Host); err != nil {
			return nil, errs.New(errs.Usage, fmt.Errorf("engine version %s: %w", eb.Version, err), "")
		}
		p = u.Path
	}
	if !strings.HasPrefix(p, "/") {
		return nil, errs.New(errs.Usage, fmt.Errorf("engine version %s: path %q is not absolute", eb.Version, eb.Path), "write it as hdfs:///path/to/mlctl")
	}
	st, err := y.web.Stat(ctx, p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errs.New(errs.NotFound, fmt.Errorf("engine version %s: %s does not exist on HDFS", eb.Version, p),
				"stage it with mlctl admin engine upload "+eb.Version)
		}
		return nil, fmt.Errorf("engine version %s: %w", eb.Version, err)
	}
	if st.Type != "FILE" {
		return nil, errs.New(errs.Usage, fmt.Errorf("engine version %s: %s is a %s, not a file", eb.Version, p, strings.ToLower(st.Type)), "fix its path in the policy")
	}
	err = verifyEngine(ctx, y.Home, eb, engineFile{Path: y.hdfsURL(p), MTime: st.ModificationTime, Length: st.Length,
		Open: func(ctx context.Context) (io.ReadCloser, error) { return y.web.Open(ctx, p, 0, -1) }})
	if err != nil {
		return nil, err
	}
	return &staged{Path: p, URL: y.hdfsURL(p), Size: st.Length, Timestamp: st.ModificationTime}, nil
}
