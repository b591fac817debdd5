package leader

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/node"
	"github.com/mlctl/mlctl/engine/parse"
	"github.com/mlctl/mlctl/engine/source"
)

// sampleBytes is how much of the first file the setup guess reads.
const sampleBytes = 256 << 10

type inputFile struct {
	path  string    // as the user gave it (messages, units)
	rpath string    // as fs knows it
	fs    source.FS // where it is read from
	size  int64
	kind  string // node.UnitCSV, UnitGzip, UnitParquet
}

// statInputs checks every input before any node does work, so a missing or
// unreadable file fails fast with its name.
func statInputs(ctx context.Context, remote source.FS, paths []string) ([]inputFile, error) {
	if len(paths) == 0 {
		return nil, badRequest(errors.New("no input files given"))
	}
	var out []inputFile
	for _, p := range paths {
		fsys, rp, err := source.Resolve(p, remote)
		if err != nil {
			return nil, badRequest(err)
		}
		st, err := fsys.Stat(ctx, rp)
		if err != nil {
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return nil, &codedError{status: 404, code: "not_found", err: fmt.Errorf("%s: no such file", p), hint: "check the path; it must be readable from the cluster's nodes"}
			case errors.Is(err, fs.ErrPermission):
				return nil, &codedError{status: 403, code: "error", err: fmt.Errorf("%s: permission denied", p), hint: "make the file readable by the user running the cluster"}
			}
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if st.IsDir {
			return nil, badRequest(fmt.Errorf("%s is a directory; give the files in it (a glob like %s/*.csv)", p, p))
		}
		if st.Size == 0 {
			return nil, badRequest(fmt.Errorf("%s: file is empty", p))
		}
		head := make([]byte, 4)
		n, err := fsys.ReadAt(ctx, rp, head, 0)
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return nil, &codedError{status: 403, code: "error", err: fmt.Errorf("%s: permission denied", p), hint: "make the file readable by the user running the cluster"}
			}
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		kind := node.UnitCSV
		switch {
		case n >= 2 && head[0] == 0x1f && head[1] == 0x8b:
			kind = node.UnitGzip
		case n == 4 && string(head) == "PAR1":
			kind = node.UnitParquet
		}
		out = append(out, inputFile{path: p, rpath: rp, fs: fsys, size: st.Size, kind: kind})
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
func sample(ctx context.Context, f inputFile) ([]byte, error) {
	raw := make([]byte, min(f.size, sampleBytes))
	if f.kind == node.UnitGzip {
		raw = make([]byte, min(f.size, 4*sampleBytes))
	}
	n, err := f.fs.ReadAt(ctx, f.rpath, raw, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	raw = raw[:n]
	whole := int64(n) == f.size
	if f.kind == node.UnitGzip {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: not a valid gzip file: %w", f.path, err)
		}
		out := make([]byte, sampleBytes)
		m, err := io.ReadFull(zr, out)
		raw = out[:m]
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("%s: gzip data is damaged: %w", f.path, err)
		}
		// Complete only if all the compressed bytes were read and they
		// decompressed to less than a full sample.
		whole = whole && m < sampleBytes
	}
	if !whole {
		if i := bytes.LastIndexByte(raw, '\n'); i > 0 {
			raw = raw[:i+1]
		}
	}
	return raw, nil
}

// setupFor guesses (or, for parquet, reads) the setup shared by all inputs.
func setupFor(ctx context.Context, files []inputFile, opt parse.GuessOptions) (*parse.Setup, []int, error) {
	if files[0].kind == node.UnitParquet {
		groups := make([]int, len(files))
		var first *parse.Setup
		for i, f := range files {
			ra := source.ReaderAt{Ctx: ctx, FS: f.fs, Path: f.rpath}
			s, n, err := parse.ParquetSetup(ra, f.size, f.path, opt)
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
	smp, err := sample(ctx, files[0])
	if err != nil {
		return nil, nil, err
	}
	s, err := parse.Guess(smp, files[0].path, opt)
	if err != nil {
		return nil, nil, badRequest(err)
	}
	return s, nil, nil
}

// headerPerms reads the header of every file after the first and matches it
// to the first file's columns by name: a file with the same names in
// another order gets the permutation from its columns to the frame's
// (perm[i] = frame column of the file's column i; nil when the order is
// the same); a file with other names is refused, naming it and the columns.
func headerPerms(ctx context.Context, files []inputFile, setup *parse.Setup) ([][]int, error) {
	perms := make([][]int, len(files))
	if !setup.Header || files[0].kind == node.UnitParquet {
		return perms, nil
	}
	index := make(map[string]int, len(setup.Names))
	for i, n := range setup.Names {
		index[n] = i
	}
	for fi := 1; fi < len(files); fi++ {
		smp, err := sample(ctx, files[fi])
		if err != nil {
			return nil, err
		}
		hs, err := parse.Guess(smp, files[fi].path, parse.GuessOptions{Sep: setup.Sep, Header: "yes"})
		if err != nil {
			return nil, badRequest(err)
		}
		names := hs.Names
		var missing, extra []string
		seen := map[string]bool{}
		for _, n := range names {
			if _, ok := index[n]; !ok || seen[n] {
				extra = append(extra, n)
			}
			seen[n] = true
		}
		for _, n := range setup.Names {
			if !seen[n] {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 || len(extra) > 0 || len(names) != len(setup.Names) {
			return nil, &codedError{status: 400, code: "bad_request",
				err:  fmt.Errorf("%s has other columns than %s: %s", files[fi].path, files[0].path, columnDiff(missing, extra)),
				hint: "import files with the same header names (in any order) together, or each file as its own frame"}
		}
		same := true
		perm := make([]int, len(names))
		for i, n := range names {
			perm[i] = index[n]
			same = same && perm[i] == i
		}
		if !same {
			perms[fi] = perm
		}
	}
	return perms, nil
}

func columnDiff(missing, extra []string) string {
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "missing "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		parts = append(parts, "unknown or repeated "+strings.Join(extra, ", "))
	}
	if len(parts) == 0 {
		return "a different number of columns"
	}
	return strings.Join(parts, "; ")
}
