package score

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"

	"github.com/mlctl/mlctl/engine/parse"
	"github.com/mlctl/mlctl/internal/cli/model/artifactio"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
)

type inputKind int

const (
	kindText inputKind = iota
	kindParquet
)

// input is an opened INPUT: a stream of text (decompressed when gzip), or
// a Parquet file to read at offsets.
type input struct {
	name string // as the user gave it, for messages
	kind inputKind
	gzip bool
	text io.Reader   // kindText
	ra   io.ReaderAt // kindParquet
	size int64       // bytes on disk; -1 when unknown (stdin)
	// read counts the bytes taken from the file (compressed ones for
	// gzip), for progress.
	read    atomic.Int64
	closers []func() error
	once    sync.Once
	// stdin is closed on Ctrl-C only (when it can be), to end a read
	// blocked on it.
	stdin io.Closer
}

// close closes the input; it may be called more than once, also while a
// read is under way (interrupt).
func (in *input) close() {
	in.once.Do(func() {
		for i := len(in.closers) - 1; i >= 0; i-- {
			in.closers[i]()
		}
	})
}

func (in *input) interrupt() {
	in.close()
	if in.stdin != nil {
		in.stdin.Close()
	}
}

// counter counts the bytes read through it into in.read.
type counter struct {
	r  io.Reader
	in *input
}

func (c counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.in.read.Add(int64(n))
	return n, err
}

// openInput opens INPUT and tells text from Parquet (by its magic bytes) and
// gzip from plain text (by its header), whatever the file is called.
func openInput(ctx context.Context, opts *ScoreOptions) (*input, error) {
	in := &input{name: opts.Input, size: -1}
	var raw io.Reader
	var parquetAt func() (io.ReaderAt, error)
	_, isHDFS, err := artifactio.HDFSPath(opts.Input)
	switch {
	case err != nil:
		return nil, err
	case opts.Input == "-":
		in.name = "stdin"
		raw = opts.IO.In
		in.stdin, _ = opts.IO.In.(io.Closer)
	case isHDFS:
		c, hp, err := artifactio.Client(ctx, opts.HDFS, opts.Input)
		if err != nil {
			return nil, err
		}
		st, err := c.Stat(ctx, hp)
		if err != nil {
			return nil, inputError(opts.Input, err)
		}
		if st.Type == "DIRECTORY" {
			return nil, cmdutil.UsageErrorf("%s is a directory: score one file at a time", opts.Input)
		}
		in.size = st.Length
		rc, err := c.Open(ctx, hp, 0, -1)
		if err != nil {
			return nil, inputError(opts.Input, err)
		}
		in.closers = append(in.closers, rc.Close)
		raw = rc
		parquetAt = func() (io.ReaderAt, error) {
			rc.Close()
			return &hdfsReaderAt{ctx: ctx, c: c, path: hp, size: st.Length}, nil
		}
	default:
		f, err := os.Open(opts.Input)
		if err != nil {
			return nil, inputError(opts.Input, err)
		}
		in.closers = append(in.closers, f.Close)
		st, err := f.Stat()
		if err != nil {
			in.close()
			return nil, fmt.Errorf("%s: %w", opts.Input, err)
		}
		if st.IsDir() {
			in.close()
			return nil, cmdutil.UsageErrorf("%s is a directory: score one file at a time", opts.Input)
		}
		in.size = st.Size()
		raw = f
		parquetAt = func() (io.ReaderAt, error) { return f, nil }
	}
	br := bufio.NewReaderSize(counter{raw, in}, 256<<10)
	head, err := br.Peek(4)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		in.close()
		return nil, fmt.Errorf("reading %s: %w", in.name, err)
	}
	switch {
	case string(head) == "PAR1":
		if parquetAt == nil {
			in.close()
			return nil, cmdutil.UsageErrorf("%s is Parquet, which cannot be read from a pipe: give its path", in.name)
		}
		in.kind = kindParquet
		if in.ra, err = parquetAt(); err != nil {
			in.close()
			return nil, err
		}
	case parse.IsGzip(head):
		zr, err := gzip.NewReader(br)
		if err != nil {
			in.close()
			return nil, errs.New(errs.Usage, fmt.Errorf("%s: not a valid gzip file: %w", in.name, err), "")
		}
		in.gzip = true
		in.text = gzipErrors{zr, in.name}
	default:
		in.text = br
	}
	return in, nil
}

// gzipErrors names the file in a decompression error, which is a data
// error (exit 2), not an I/O one.
type gzipErrors struct {
	r    io.Reader
	name string
}

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF && (errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF)) {
		err = errs.New(errs.Usage, fmt.Errorf("%s: gzip data is damaged or truncated: %w", g.name, err), "")
	}
	return n, err
}

func inputError(name string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errs.New(errs.NotFound, fmt.Errorf("%s: no such file", name), "")
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s: permission denied", name)
	}
	return fmt.Errorf("reading %s: %w", name, err)
}

// hdfsReaderAt reads a file on HDFS at offsets, one ranged OPEN per read
// (Parquet reads its footer, then column chunks).
type hdfsReaderAt struct {
	ctx  context.Context
	c    cmdutil.HDFS
	path string
	size int64
}

func (r *hdfsReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	rc, err := r.c.Open(r.ctx, r.path, off, int64(len(p)))
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	n, err := io.ReadFull(rc, p)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return n, err
}
