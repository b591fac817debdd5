package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"github.com/mlctl/mlctl/hdfs"
)

// Info is what an import needs to know of a file before reading it.
type Info struct {
	Size  int64
	IsDir bool
}

// FS reads input files.
type FS interface {
	Stat(ctx context.Context, path string) (Info, error)
	// ReadAt reads up to len(buf) bytes at off; fewer only at the end of the
	// file.
	ReadAt(ctx context.Context, path string, buf []byte, off int64) (int, error)
}

// ErrNoRemote is returned for an hdfs:// path when no remote FS is set up.
var ErrNoRemote = errors.New("hdfs:// paths can be read only by a cluster on YARN (launch it with --backend yarn)")

// Resolve picks the file system for path and returns the path it knows it
// by. remote may be nil (local backend).
func Resolve(path string, remote FS) (FS, string, error) {
	if !strings.Contains(path, "://") {
		return Local{}, path, nil
	}
	u, err := url.Parse(path)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	if u.Scheme != "hdfs" {
		return nil, "", fmt.Errorf("%s: unsupported scheme %q (use a local path or hdfs://)", path, u.Scheme)
	}
	if remote == nil {
		return nil, "", ErrNoRemote
	}
	if w, ok := remote.(WebHDFS); ok {
		if err := CheckAuthority(u.Host, w.Authorities, ""); err != nil {
			return nil, "", err
		}
	}
	return remote, u.Path, nil
}

// Local is this machine's file system.
type Local struct{}

func (Local) Stat(_ context.Context, path string) (Info, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Info{}, err
	}
	return Info{Size: st.Size(), IsDir: st.IsDir()}, nil
}

func (Local) ReadAt(_ context.Context, path string, buf []byte, off int64) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := f.ReadAt(buf, off)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}

// WebHDFS reads HDFS through a WebHDFS client. Authorities, when set, are
// the hdfs:// URL authorities that name its file system (see
// CheckAuthority).
type WebHDFS struct {
	C           *hdfs.WebHDFS
	Authorities []string
}

// CheckAuthority refuses an hdfs:// URL authority (a nameservice or
// host:port) that is not empty and not one of those naming the default file
// system: mlctl reads and writes the default file system only, and must not
// silently read /path of the default one for hdfs://other/path.
func CheckAuthority(authority string, accepted []string, defaultFS string) error {
	a := strings.ToLower(authority)
	if a == "" || len(accepted) == 0 {
		return nil
	}
	for _, ok := range accepted {
		if a == ok || (!strings.Contains(a, ":") && strings.HasPrefix(ok, a+":")) {
			return nil
		}
	}
	if defaultFS == "" {
		defaultFS = "hdfs://" + accepted[0]
	}
	return fmt.Errorf("hdfs://%s names another file system than this cluster's (%s, its fs.defaultFS): mlctl reads only the default one; write hdfs:///path, or copy the data there", authority, defaultFS)
}

func (w WebHDFS) Stat(ctx context.Context, path string) (Info, error) {
	st, err := w.C.Stat(ctx, path)
	if err != nil {
		return Info{}, err
	}
	return Info{Size: st.Length, IsDir: st.Type == "DIRECTORY"}, nil
}

func (w WebHDFS) ReadAt(ctx context.Context, path string, buf []byte, off int64) (int, error) {
	return w.C.ReadAt(ctx, path, buf, off)
}

// ReaderAt adapts an FS file to io.ReaderAt (for the Parquet reader).
type ReaderAt struct {
	Ctx  context.Context
	FS   FS
	Path string
}

func (r ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.FS.ReadAt(r.Ctx, r.Path, p, off)
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}

// ReadAll reads a whole file.
func ReadAll(ctx context.Context, f FS, path string, size int64) ([]byte, error) {
	buf := make([]byte, size)
	n, err := f.ReadAt(ctx, path, buf, 0)
	if err != nil {
		return nil, err
	}
	if int64(n) != size {
		return nil, fmt.Errorf("%s: file shrank while reading (%d of %d bytes)", path, n, size)
	}
	return buf, nil
}

// IsNotExist reports a missing file on either file system.
func IsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
