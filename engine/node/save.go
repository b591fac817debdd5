package node

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/engine/snapshot"
)

// Internal endpoints of cluster save and restore: each node writes and
// reads its own chunks, in parallel with the others.
const (
	PathSaveChunks = "/internal/save-chunks"
	PathLoadChunks = "/internal/load-chunks"
)

// SaveChunksRequest asks a node to write its chunks of Frame into save Save
// of the saves directory Dir (see snapshot.Open).
type SaveChunksRequest struct {
	Dir, Save string
	Frame     string
}

// SaveChunksResponse lists the files written, checked by reading them back.
type SaveChunksResponse struct{ Chunks []snapshot.ChunkFile }

// LoadChunksRequest asks a node to read chunk files of a save and hold them
// as frame Frame.Name (the columns in Frame; Chunks may be empty).
type LoadChunksRequest struct {
	Dir, Save string
	Frame     frame.Frame
	Chunks    []snapshot.ChunkFile
}

// LoadChunksResponse reports the chunks now held.
type LoadChunksResponse struct{ Chunks []ChunkInfo }

func (n *Node) saveRoutes() {
	gobHandler(n, PathSaveChunks, n.SaveChunks)
	gobHandler(n, PathLoadChunks, n.LoadChunks)
}

// SaveChunks writes this node's chunks of a frame, one file each, and
// reads every file back to check its checksum.
func (n *Node) SaveChunks(ctx context.Context, req *SaveChunksRequest) (*SaveChunksResponse, error) {
	st, err := snapshot.Open(req.Dir, n.cfg.Remote)
	if err != nil {
		return nil, err
	}
	local, err := n.store.local(req.Frame)
	if err != nil {
		return nil, err
	}
	out := make([]snapshot.ChunkFile, len(local.Indices))
	err = mr.ForEach(ctx, len(local.Indices), func(k int) error {
		idx, cols := local.Indices[k], local.Chunks[k]
		data, err := snapshot.EncodeChunk(cols)
		if err != nil {
			return fmt.Errorf("frame %s chunk %d: %w", req.Frame, idx, err)
		}
		rel := req.Save + "/" + snapshot.ChunkPath(req.Frame, idx)
		if err := st.WriteFile(ctx, rel, data); err != nil {
			return fmt.Errorf("writing %s: %w", st.Where(rel), err)
		}
		back, err := st.ReadFile(ctx, rel)
		if err != nil {
			return fmt.Errorf("reading back %s: %w", st.Where(rel), err)
		}
		sum := snapshot.Sum(data)
		if err := snapshot.Verify(st.Where(rel), back, int64(len(data)), sum); err != nil {
			return err
		}
		rows := int64(0)
		if len(cols) > 0 {
			rows = int64(cols[0].Len())
		}
		out[k] = snapshot.ChunkFile{Index: idx, Rows: rows, MemBytes: chunkBytes(cols), File: snapshot.ChunkPath(req.Frame, idx), Size: int64(len(data)), SHA256: sum}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SaveChunksResponse{Chunks: out}, nil
}

// LoadChunks reads chunk files, checks their size and checksum against the
// manifest's, and installs them as a frame on this node. Nothing is
// installed unless every file checks out.
func (n *Node) LoadChunks(ctx context.Context, req *LoadChunksRequest) (*LoadChunksResponse, error) {
	st, err := snapshot.Open(req.Dir, n.cfg.Remote)
	if err != nil {
		return nil, err
	}
	cols := make([][]chunk.Chunk, len(req.Chunks))
	info := make([]ChunkInfo, len(req.Chunks))
	err = mr.ForEach(ctx, len(req.Chunks), func(k int) error {
		cf := req.Chunks[k]
		rel := req.Save + "/" + cf.File
		data, err := st.ReadFile(ctx, rel)
		if err != nil {
			return fmt.Errorf("reading %s: %w", st.Where(rel), err)
		}
		if err := snapshot.Verify(st.Where(rel), data, cf.Size, cf.SHA256); err != nil {
			return err
		}
		cs, err := snapshot.DecodeChunk(data, cf.Rows, len(req.Frame.Columns))
		if err != nil {
			return fmt.Errorf("%s: %w", st.Where(rel), err)
		}
		cols[k] = cs
		info[k] = ChunkInfo{Index: cf.Index, Rows: cf.Rows, Bytes: chunkBytes(cs)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	chunks := make(map[int][]chunk.Chunk, len(req.Chunks))
	for k, cf := range req.Chunks {
		chunks[cf.Index] = cols[k]
	}
	meta := req.Frame
	meta.Chunks = nil
	n.store.put(&meta, chunks)
	return &LoadChunksResponse{Chunks: info}, nil
}
