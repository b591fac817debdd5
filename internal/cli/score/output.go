package score

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/mlctl/mlctl/internal/cli/model/artifactio"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
)

// dest is where the output goes: a temporary file that commit renames over
// OUTPUT and abort removes (or stdout, which cannot be taken back).
type dest struct {
	w      io.Writer
	commit func() error
	abort  func()
}

const writeBuffer = 1 << 20

func openDest(ctx context.Context, opts *ScoreOptions) (*dest, error) {
	if opts.Output == "-" {
		bw := bufio.NewWriterSize(opts.IO.Out, writeBuffer)
		return &dest{w: bw, commit: bw.Flush, abort: func() {}}, nil
	}
	if _, isHDFS, err := artifactio.HDFSPath(opts.Output); err != nil {
		return nil, err
	} else if isHDFS {
		return hdfsDest(ctx, opts)
	}
	return localDest(opts.Output)
}

func localDest(p string) (*dest, error) {
	dir, base := filepath.Split(p)
	if dir == "" {
		dir = "."
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, errs.New(errs.NotFound, fmt.Errorf("-o %s: directory %s does not exist", p, dir), "")
	}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return nil, cmdutil.UsageErrorf("-o %s is a directory: give a file name", p)
	}
	// Created with 0666 so that the umask decides the mode, as for any new
	// file; O_EXCL so that a concurrent run cannot share it.
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%d-%d", base, os.Getpid(), rand.Uint32()))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, fmt.Errorf("-o %s: %w", p, err)
	}
	bw := bufio.NewWriterSize(f, writeBuffer)
	closed := false
	closeF := func() error {
		if closed {
			return nil
		}
		closed = true
		return f.Close()
	}
	d := &dest{w: bw}
	d.abort = func() {
		closeF()
		os.Remove(tmp)
	}
	d.commit = func() error {
		err := bw.Flush()
		if err == nil {
			err = f.Sync()
		}
		if e := closeF(); err == nil {
			err = e
		}
		if err == nil {
			err = os.Rename(tmp, p)
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		return nil
	}
	return d, nil
}

// hdfsDest streams the output into a temporary file next to OUTPUT on
// HDFS (one CREATE whose body is the output as it is produced) and renames
// it at the end. WebHDFS cannot rename over a file, so an existing OUTPUT
// is deleted just before the rename, as WriteFileAtomic does.
func hdfsDest(ctx context.Context, opts *ScoreOptions) (*dest, error) {
	c, hp, err := artifactio.Client(ctx, opts.HDFS, opts.Output)
	if err != nil {
		return nil, err
	}
	dir, base := path.Dir(hp), path.Base(hp)
	if st, err := c.Stat(ctx, dir); err != nil || st.Type != "DIRECTORY" {
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			return nil, errs.New(errs.NotFound, fmt.Errorf("-o %s: directory %s does not exist on HDFS", opts.Output, dir), "")
		}
		return nil, fmt.Errorf("-o %s: %w", opts.Output, err)
	}
	if st, err := c.Stat(ctx, hp); err == nil && st.Type == "DIRECTORY" {
		return nil, cmdutil.UsageErrorf("-o %s is a directory: give a file name", opts.Output)
	}
	tmp := fmt.Sprintf("%s/.%s.tmp-%d-%d", dir, base, time.Now().UnixNano(), rand.Uint32())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := c.Create(ctx, tmp, func() io.Reader { return pr }, 0o644, false)
		pr.CloseWithError(err)
		done <- err
	}()
	hw := &hdfsWriter{pw: pw, done: done}
	bw := bufio.NewWriterSize(hw, writeBuffer)
	cleanup := func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		c.Delete(cctx, tmp, false)
	}
	d := &dest{w: bw}
	d.abort = func() {
		pw.CloseWithError(errors.New("scoring stopped"))
		hw.wait()
		cleanup()
	}
	d.commit = func() error {
		err := bw.Flush()
		pw.Close()
		if e := hw.wait(); err == nil || e != nil {
			err = e
		}
		if err == nil {
			if e := c.Delete(ctx, hp, false); e != nil && !errors.Is(e, fs.ErrNotExist) {
				err = e
			}
		}
		if err == nil {
			err = c.Rename(ctx, tmp, hp)
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", opts.Output, err)
		}
		return nil
	}
	return d, nil
}

// hdfsWriter writes into the CREATE's body; when the upload has failed, a
// write returns the upload's error rather than the closed pipe's.
type hdfsWriter struct {
	pw     *io.PipeWriter
	done   chan error
	result error
	ended  bool
}

func (w *hdfsWriter) Write(p []byte) (int, error) {
	n, err := w.pw.Write(p)
	if err != nil {
		if e := w.wait(); e != nil {
			err = e
		}
	}
	return n, err
}

// wait returns the CREATE's result once it has ended.
func (w *hdfsWriter) wait() error {
	if !w.ended {
		w.result, w.ended = <-w.done, true
	}
	return w.result
}
