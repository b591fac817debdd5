package snapshot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlctl/mlctl/engine/source"
	"github.com/mlctl/mlctl/hdfs"
)

// Storage is a saves directory: a local one (the local backend) or one on
// HDFS (the yarn backend). Paths are relative, slash-separated.
type Storage interface {
	// Where is rel as the user would write it (a path or an hdfs:// URL).
	Where(rel string) string
	MkdirAll(ctx context.Context, rel string) error
	// WriteFile writes a whole file, making its parents.
	WriteFile(ctx context.Context, rel string, data []byte) error
	ReadFile(ctx context.Context, rel string) ([]byte, error)
	// Replace writes a file so that a reader sees the old or the new
	// content, never a mix (see ReadCurrent for the HDFS case).
	Replace(ctx context.Context, rel string, data []byte) error
	// List names the entries of a directory; a missing one has none.
	List(ctx context.Context, rel string) ([]string, error)
	RemoveAll(ctx context.Context, rel string) error
}

// BeforeWrite, when set, is called before every file a Storage writes,
// and its error is the write's. Tests use it to cut a save short; it is
// nil otherwise.
var BeforeWrite func(rel string) error

func beforeWrite(rel string) error {
	if BeforeWrite == nil {
		return nil
	}
	return BeforeWrite(rel)
}

// Open returns the Storage for dir: an absolute local path, or an
// hdfs:///path URL read and written through remote (the node's WebHDFS
// client; nil on the local backend).
func Open(dir string, remote source.FS) (Storage, error) {
	if dir == "" {
		return nil, errors.New("no save directory given")
	}
	if !strings.Contains(dir, "://") {
		if !filepath.IsAbs(dir) {
			return nil, fmt.Errorf("save directory %q is not an absolute path", dir)
		}
		return localDir(filepath.Clean(dir)), nil
	}
	u, err := url.Parse(dir)
	if err != nil {
		return nil, fmt.Errorf("save directory %s: %w", dir, err)
	}
	if u.Scheme != "hdfs" {
		return nil, fmt.Errorf("save directory %s: unsupported scheme %q (use an absolute path or hdfs:///path)", dir, u.Scheme)
	}
	w, ok := remote.(source.WebHDFS)
	if !ok || w.C == nil {
		return nil, fmt.Errorf("save directory %s: hdfs:// saves need a cluster on YARN (this one has no HDFS client)", dir)
	}
	if err := source.CheckAuthority(u.Host, w.Authorities, ""); err != nil {
		return nil, err
	}
	if !path.IsAbs(u.Path) {
		return nil, fmt.Errorf("save directory %s has no absolute path", dir)
	}
	return &hdfsDir{c: w.C, authority: u.Host, base: path.Clean(u.Path)}, nil
}

// localDir is a directory on this machine's file system.
type localDir string

func (d localDir) path(rel string) string { return filepath.Join(string(d), filepath.FromSlash(rel)) }

func (d localDir) Where(rel string) string { return d.path(rel) }

func (d localDir) MkdirAll(_ context.Context, rel string) error {
	return os.MkdirAll(d.path(rel), 0o700)
}

func (d localDir) WriteFile(ctx context.Context, rel string, data []byte) error {
	return d.Replace(ctx, rel, data)
}

// Replace writes a temporary file, syncs it, renames it over the target and
// syncs the directory: a crash leaves the old file or the new one.
func (d localDir) Replace(_ context.Context, rel string, data []byte) (err error) {
	if err := beforeWrite(rel); err != nil {
		return err
	}
	p := d.path(rel)
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(p)+".tmp-*")
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
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err = os.Rename(f.Name(), p); err != nil {
		return err
	}
	if df, derr := os.Open(dir); derr == nil {
		df.Sync()
		df.Close()
	}
	return nil
}

func (d localDir) ReadFile(_ context.Context, rel string) ([]byte, error) {
	return os.ReadFile(d.path(rel))
}

func (d localDir) List(_ context.Context, rel string) ([]string, error) {
	es, err := os.ReadDir(d.path(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out, nil
}

func (d localDir) RemoveAll(_ context.Context, rel string) error {
	return os.RemoveAll(d.path(rel))
}

// hdfsDir is a directory on HDFS, through WebHDFS.
type hdfsDir struct {
	c         *hdfs.WebHDFS
	authority string
	base      string
}

func (d *hdfsDir) path(rel string) string { return path.Join(d.base, rel) }

func (d *hdfsDir) Where(rel string) string { return "hdfs://" + d.authority + d.path(rel) }

func (d *hdfsDir) MkdirAll(ctx context.Context, rel string) error {
	return d.c.Mkdirs(ctx, d.path(rel), 0o700)
}

func (d *hdfsDir) WriteFile(ctx context.Context, rel string, data []byte) error {
	if err := beforeWrite(rel); err != nil {
		return err
	}
	return d.c.Create(ctx, d.path(rel), func() io.Reader { return bytes.NewReader(data) }, 0o600, true)
}

func (d *hdfsDir) ReadFile(ctx context.Context, rel string) ([]byte, error) {
	rc, err := d.c.Open(ctx, d.path(rel), 0, -1)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", d.Where(rel), err)
	}
	return data, nil
}

// Replace writes rel.next in full, removes rel and renames rel.next to rel.
// WebHDFS has no rename that replaces, so there is a moment with no rel:
// ReadCurrent then reads rel.next, which is complete by then.
func (d *hdfsDir) Replace(ctx context.Context, rel string, data []byte) error {
	next := rel + nextSuffix
	if err := d.WriteFile(ctx, next, data); err != nil {
		return err
	}
	if err := d.c.Delete(ctx, d.path(rel), false); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return d.c.Rename(ctx, d.path(next), d.path(rel))
}

func (d *hdfsDir) List(ctx context.Context, rel string) ([]string, error) {
	st, err := d.c.List(ctx, d.path(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range st {
		out = append(out, s.PathSuffix)
	}
	sort.Strings(out)
	return out, nil
}

func (d *hdfsDir) RemoveAll(ctx context.Context, rel string) error {
	err := d.c.Delete(ctx, d.path(rel), true)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

const nextSuffix = ".next"
