package node

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/engine/parse"
	"github.com/mlctl/mlctl/engine/source"
)

// RangeSizeFor picks the bytes per parse range from a file's size alone
// (never from the node count, so the same file always gives the same chunks):
// about 16 ranges per file, each between 64 KiB and 4 MiB.
func RangeSizeFor(size int64) int {
	return int(min(max(size/16, 64<<10), 4<<20))
}

// pendingImport holds parsed rows between Parse and Commit.
type pendingImport struct {
	units map[int][]*parse.Result
}

// Parse parses the request's units (in parallel) and keeps the rows.
func (n *Node) Parse(ctx context.Context, req *ParseRequest) (*ParseResponse, error) {
	files := map[string][]byte{} // local text files, mapped once per request
	var unmaps []func()
	defer func() {
		for _, u := range unmaps {
			u()
		}
	}()
	for _, u := range req.Units {
		if u.Kind != UnitCSV || strings.Contains(u.File, "://") {
			continue
		}
		if _, ok := files[u.File]; ok {
			continue
		}
		data, unmap, err := mapFile(u.File)
		if err != nil {
			return nil, err
		}
		files[u.File] = data
		unmaps = append(unmaps, unmap)
	}
	setup := req.Setup
	out := make([]UnitResult, len(req.Units))
	kept := make([][]*parse.Result, len(req.Units))
	err := mr.ForEach(ctx, len(req.Units), func(i int) error {
		u := req.Units[i]
		us := &setup
		if u.Perm != nil {
			us = permutedSetup(&setup, u.Perm)
		}
		subs, err := n.parseUnit(ctx, u, files[u.File], us, req.RangeSize)
		if err == nil && u.Perm != nil {
			for _, r := range subs {
				toFrameOrder(r, u.Perm)
			}
		}
		out[i].ID = u.ID
		if err != nil {
			out[i].Err = err.Error()
			var pe *parse.Error
			if errors.As(err, &pe) {
				out[i].Line = pe.Line
				out[i].ParseMsg = pe.Msg
			}
			return nil
		}
		kept[i] = subs
		for _, r := range subs {
			out[i].Subs = append(out[i].Subs, subInfo(r))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	p := n.pending[req.Import]
	if p == nil {
		p = &pendingImport{units: map[int][]*parse.Result{}}
		n.pending[req.Import] = p
	}
	for i, u := range req.Units {
		if kept[i] != nil {
			p.units[u.ID] = kept[i]
		}
	}
	n.mu.Unlock()
	return &ParseResponse{Units: out}, nil
}

// parseUnit parses one unit; data is the mapped file for local text files.
func (n *Node) parseUnit(ctx context.Context, u Unit, data []byte, setup *parse.Setup, rangeSize int) ([]*parse.Result, error) {
	fsys, path, err := source.Resolve(u.File, n.cfg.Remote)
	if err != nil {
		return nil, err
	}
	ropt := parse.RangeOptions{File: u.File, AtRecordStart: u.AtRecordStart, SkipHeader: u.SkipHeader, DataEndsFile: true}
	switch u.Kind {
	case UnitCSV:
		if data == nil {
			return parseRemoteRange(ctx, fsys, path, u, setup, ropt)
		}
		r, err := parse.ParseRange(data, int(u.Start), int(u.End), setup, ropt)
		if err != nil {
			return nil, err
		}
		return []*parse.Result{r}, nil
	case UnitGzip:
		raw, err := readGzip(ctx, fsys, path, u.File)
		if err != nil {
			return nil, err
		}
		s := *setup
		if rangeSize <= 0 {
			rangeSize = RangeSizeFor(int64(len(raw)))
		}
		return parse.ParseAll(raw, &s, u.File, rangeSize, runtime.GOMAXPROCS(0))
	case UnitParquet:
		st, err := fsys.Stat(ctx, path)
		if err != nil {
			return nil, err
		}
		r, err := parse.ParseParquetRowGroup(source.ReaderAt{Ctx: ctx, FS: fsys, Path: path}, st.Size, u.RowGroup, setup, u.File)
		if err != nil {
			return nil, err
		}
		return []*parse.Result{r}, nil
	}
	return nil, fmt.Errorf("unknown unit kind %q", u.Kind)
}

// parseRemoteRange reads the unit's range plus some bytes past its end (the
// last record may run over) and parses it; a record longer than that asks for
// a bigger window.
func parseRemoteRange(ctx context.Context, fsys source.FS, path string, u Unit, setup *parse.Setup, ropt parse.RangeOptions) ([]*parse.Result, error) {
	st, err := fsys.Stat(ctx, path)
	if err != nil {
		return nil, err
	}
	from := u.Start
	if !u.AtRecordStart && from > 0 {
		from-- // the parser looks at the byte before start to find a line start
	}
	over := remoteOverflow
	for {
		to := min(st.Size, u.End+over)
		buf := make([]byte, to-from)
		n, err := fsys.ReadAt(ctx, path, buf, from)
		if err != nil {
			return nil, err
		}
		buf = buf[:n]
		ropt.DataEndsFile = from+int64(n) >= st.Size
		r, err := parse.ParseRange(buf, int(u.Start-from), int(u.End-from), setup, ropt)
		if errors.Is(err, parse.ErrNeedMore) && !ropt.DataEndsFile {
			over *= 4
			continue
		}
		if err != nil {
			return nil, err
		}
		r.Start += from
		r.End += from
		return []*parse.Result{r}, nil
	}
}

func subInfo(r *parse.Result) SubResult {
	s := SubResult{Start: r.Start, End: r.End, Rows: r.Rows, Lines: r.Lines, Mismatches: r.Mismatches}
	s.Domains = make([][]string, len(r.Cols))
	for c := range r.Cols {
		s.Domains[c] = r.Cols[c].Domain
	}
	return s
}

// readGzip decompresses a whole file; gzip cannot be split into ranges.
func readGzip(ctx context.Context, fsys source.FS, path, name string) ([]byte, error) {
	st, err := fsys.Stat(ctx, path)
	if err != nil {
		return nil, err
	}
	raw, err := source.ReadAll(ctx, fsys, path, st.Size)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: not a valid gzip file: %w", name, err)
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, zr); err != nil {
		return nil, fmt.Errorf("%s: gzip data is damaged or truncated: %w", name, err)
	}
	return buf.Bytes(), nil
}

// mapFile maps a file read-only; parsing reads it as one byte slice.
func mapFile(path string) ([]byte, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if st.Size() == 0 {
		return []byte{}, func() {}, nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: map: %w", path, err)
	}
	return data, func() { syscall.Munmap(data) }, nil
}

// Abort drops an import's parsed rows.
func (n *Node) Abort(id string) {
	n.mu.Lock()
	delete(n.pending, id)
	n.mu.Unlock()
}

// Commit encodes an import's parsed pieces as the frame's chunks.
func (n *Node) Commit(ctx context.Context, req *CommitRequest) (*CommitResponse, error) {
	n.mu.Lock()
	p := n.pending[req.Import]
	delete(n.pending, req.Import)
	n.mu.Unlock()
	if p == nil && len(req.Place) > 0 {
		return nil, fmt.Errorf("import %s: no parsed data on this node (restarted?)", req.Import)
	}
	meta := req.Frame
	cols := make([][]chunk.Chunk, len(req.Place))
	info := make([]ChunkInfo, len(req.Place))
	err := mr.ForEach(ctx, len(req.Place), func(i int) error {
		pl := req.Place[i]
		subs := p.units[pl.Unit]
		if pl.Sub >= len(subs) {
			return fmt.Errorf("import %s: unit %d has no piece %d", req.Import, pl.Unit, pl.Sub)
		}
		r := subs[pl.Sub]
		cs, err := encodeResult(r, meta.Columns, pl.Remap)
		if err != nil {
			return err
		}
		cols[i] = cs
		info[i] = ChunkInfo{Index: pl.Index, Rows: int64(r.Rows), Bytes: chunkBytes(cs)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	chunks := make(map[int][]chunk.Chunk, len(req.Place))
	for i, pl := range req.Place {
		chunks[pl.Index] = cols[i]
	}
	n.store.put(&meta, chunks)
	return &CommitResponse{Chunks: info}, nil
}

func chunkBytes(cs []chunk.Chunk) int64 {
	var b int64
	for _, c := range cs {
		b += int64(c.MemBytes())
	}
	return b
}

// encodeResult turns a parsed piece into one chunk per column.
func encodeResult(r *parse.Result, cols []frame.Column, remap [][]int32) ([]chunk.Chunk, error) {
	out := make([]chunk.Chunk, len(cols))
	for c, col := range cols {
		pc := &r.Cols[c]
		switch col.Type {
		case frame.Numeric, frame.Time:
			out[c] = chunk.EncodeNumeric(pc.Floats)
		case frame.Categorical:
			if c >= len(remap) || remap[c] == nil {
				return nil, fmt.Errorf("column %q: no domain mapping", col.Name)
			}
			// Local codes go to global ones (NA stays NA) as the chunk is
			// encoded: no float buffer, no float stats pass.
			out[c] = chunk.EncodeCodes(pc.Codes, remap[c])
		case frame.String:
			out[c] = chunk.EncodeStrings(pc.Strings, pc.StrNA)
		default:
			return nil, fmt.Errorf("column %q: unknown type %q", col.Name, col.Type)
		}
	}
	return out, nil
}

// remoteOverflow is how far past a range's end a remote read first goes.
var remoteOverflow int64 = 1 << 20

// permutedSetup is the setup in a file's own column order: the file's
// column i is the frame's column perm[i].
func permutedSetup(s *parse.Setup, perm []int) *parse.Setup {
	out := *s
	out.Names = make([]string, len(perm))
	out.Types = make([]frame.Type, len(perm))
	out.Overridden = make([]bool, len(perm))
	for i, j := range perm {
		out.Names[i] = s.Names[j]
		out.Types[i] = s.Types[j]
		if j < len(s.Overridden) {
			out.Overridden[i] = s.Overridden[j]
		}
	}
	return &out
}

// toFrameOrder puts a result parsed in the file's order into the frame's.
func toFrameOrder(r *parse.Result, perm []int) {
	cols := make([]parse.Column, len(r.Cols))
	for i, j := range perm {
		cols[j] = r.Cols[i]
	}
	r.Cols = cols
	for k := range r.Mismatches {
		if c := r.Mismatches[k].Column; c >= 0 && c < len(perm) {
			r.Mismatches[k].Column = perm[c]
		}
	}
}
