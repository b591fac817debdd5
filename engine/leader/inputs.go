package leader

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/node"
	"github.com/mlctl/mlctl/engine/parse"
)

// sampleBytes is how much of the first file the setup guess reads.
const sampleBytes = 256 << 10

type inputFile struct {
	path string
	size int64
	kind string // node.UnitCSV, UnitGzip, UnitParquet
}

// statInputs checks every input before any node does work, so a missing or
// unreadable file fails fast with its name.
func statInputs(paths []string) ([]inputFile, error) {
	if len(paths) == 0 {
		return nil, badRequest(errors.New("no input files given"))
	}
	var out []inputFile
	for _, p := range paths {
		if strings.Contains(p, "://") {
			return nil, badRequest(fmt.Errorf("%s: only local files can be imported on this backend", p))
		}
		f, err := os.Open(p)
		if err != nil {
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return nil, &codedError{status: 404, code: "not_found", err: fmt.Errorf("%s: no such file", p), hint: "check the path; it must be readable from the cluster's nodes"}
			case errors.Is(err, fs.ErrPermission):
				return nil, &codedError{status: 403, code: "error", err: fmt.Errorf("%s: permission denied", p), hint: "make the file readable by the user running the cluster"}
			}
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if st.IsDir() {
			f.Close()
			return nil, badRequest(fmt.Errorf("%s is a directory; give the files in it (a glob like %s/*.csv)", p, p))
		}
		if st.Size() == 0 {
			f.Close()
			return nil, badRequest(fmt.Errorf("%s: file is empty", p))
		}
		head := make([]byte, 4)
		n, _ := io.ReadFull(f, head)
		f.Close()
		kind := node.UnitCSV
		switch {
		case n >= 2 && head[0] == 0x1f && head[1] == 0x8b:
			kind = node.UnitGzip
		case n == 4 && string(head) == "PAR1":
			kind = node.UnitParquet
		}
		out = append(out, inputFile{path: p, size: st.Size(), kind: kind})
	}
	for _, f := range out[1:] {
		if (f.kind == node.UnitParquet) != (out[0].kind == node.UnitParquet) {
			return nil, badRequest(fmt.Errorf("%s and %s: parquet and text files cannot be imported into one frame", out[0].path, f.path))
		}
	}
	return out, nil
}

// guessOptions turns the request's options into parse.GuessOptions.
func guessOptions(req *api.ImportRequest) (parse.GuessOptions, error) {
	opt := parse.GuessOptions{Header: req.Header, NAStrings: req.NAStrings}
	if opt.Header == "" {
		opt.Header = "auto"
	}
	switch req.Sep {
	case "":
	case "\\t", "tab", "\t":
		opt.Sep = '\t'
	default:
		if len(req.Sep) != 1 {
			return opt, badRequest(fmt.Errorf("separator %q must be one character (or \"tab\")", req.Sep))
		}
		opt.Sep = req.Sep[0]
	}
	if len(req.ColTypes) > 0 {
		opt.ColTypes = map[string]frame.Type{}
		for name, t := range req.ColTypes {
			ft, ok := frame.ParseType(t)
			if !ok {
				return opt, badRequest(fmt.Errorf("column %q: unknown type %q (use numeric, categorical, string or time)", name, t))
			}
			opt.ColTypes[name] = ft
		}
	}
	return opt, nil
}

// sample reads the start of a text file (decompressed for gzip), cut after
// its last full line when the file goes on.
func sample(f inputFile) ([]byte, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var r io.Reader = fh
	if f.kind == node.UnitGzip {
		zr, err := gzip.NewReader(fh)
		if err != nil {
			return nil, fmt.Errorf("%s: not a valid gzip file: %w", f.path, err)
		}
		r = zr
	}
	buf := make([]byte, sampleBytes)
	n, err := io.ReadFull(r, buf)
	buf = buf[:n]
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return buf, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	if i := bytes.LastIndexByte(buf, '\n'); i > 0 {
		buf = buf[:i+1]
	}
	return buf, nil
}

// setupFor guesses (or, for parquet, reads) the setup shared by all inputs.
func setupFor(files []inputFile, opt parse.GuessOptions) (*parse.Setup, []int, error) {
	if files[0].kind == node.UnitParquet {
		groups := make([]int, len(files))
		var first *parse.Setup
		for i, f := range files {
			fh, err := os.Open(f.path)
			if err != nil {
				return nil, nil, err
			}
			s, n, err := parse.ParquetSetup(fh, f.size, f.path, opt)
			fh.Close()
			if err != nil {
				return nil, nil, badRequest(err)
			}
			if first == nil {
				first = s
			} else if strings.Join(s.Names, "\x00") != strings.Join(first.Names, "\x00") {
				return nil, nil, badRequest(fmt.Errorf("%s: columns %v differ from %s's %v", f.path, s.Names, files[0].path, first.Names))
			}
			groups[i] = n
		}
		return first, groups, nil
	}
	smp, err := sample(files[0])
	if err != nil {
		return nil, nil, err
	}
	s, err := parse.Guess(smp, files[0].path, opt)
	if err != nil {
		return nil, nil, badRequest(err)
	}
	return s, nil, nil
}
