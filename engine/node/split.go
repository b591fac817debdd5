package node

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/mr"
)

// Split assigns every local row of a frame to one of the outputs by a random
// draw seeded from (seed, chunk index), so the split is the same whatever the
// number of nodes, and stores the outputs with the source's chunk layout.
func (n *Node) Split(ctx context.Context, req *SplitRequest) (*SplitResponse, error) {
	local, err := n.store.local(req.Frame)
	if err != nil {
		return nil, err
	}
	k := len(req.Dest)
	if k == 0 || len(req.Ratios) != k {
		return nil, fmt.Errorf("split: %d outputs but %d ratios", k, len(req.Ratios))
	}
	cum := make([]float64, k)
	var s float64
	for i, r := range req.Ratios {
		s += r
		cum[i] = s
	}
	cum[k-1] = 1                                        // rounding must not leave rows unassigned
	made := make([][][]chunk.Chunk, len(local.Indices)) // [local chunk][output] -> columns
	err = mr.ForEach(ctx, len(local.Indices), func(li int) error {
		made[li] = splitChunk(local.Chunks[li], local.Indices[li], req.Seed, cum)
		return nil
	})
	if err != nil {
		return nil, err
	}
	resp := &SplitResponse{Chunks: make([][]ChunkInfo, k)}
	for o := 0; o < k; o++ {
		chunks := map[int][]chunk.Chunk{}
		for li, idx := range local.Indices {
			cs := made[li][o]
			chunks[idx] = cs
			rows := 0
			if len(cs) > 0 {
				rows = cs[0].Len()
			}
			resp.Chunks[o] = append(resp.Chunks[o], ChunkInfo{Index: idx, Rows: int64(rows), Bytes: chunkBytes(cs)})
		}
		meta := req.Dest[o]
		n.store.put(&meta, chunks)
	}
	return resp, nil
}

// SplitAssign returns, for each row of a chunk, the output it goes to.
func SplitAssign(rows, chunkIndex int, seed int64, cum []float64) []uint8 {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(chunkIndex)))
	out := make([]uint8, rows)
	for i := range out {
		u := rng.Float64()
		o := 0
		for o < len(cum)-1 && u >= cum[o] {
			o++
		}
		out[i] = uint8(o)
	}
	return out
}

func splitChunk(cols []chunk.Chunk, idx int, seed int64, cum []float64) [][]chunk.Chunk {
	k := len(cum)
	rows := 0
	if len(cols) > 0 {
		rows = cols[0].Len()
	}
	assign := SplitAssign(rows, idx, seed, cum)
	out := make([][]chunk.Chunk, k)
	for o := range out {
		out[o] = make([]chunk.Chunk, len(cols))
	}
	var vals []float64
	for c, ch := range cols {
		if ch.Encoding() == chunk.Str {
			strs := make([][]string, k)
			nas := make([][]bool, k)
			for i := 0; i < rows; i++ {
				s, ok := ch.String(i)
				strs[assign[i]] = append(strs[assign[i]], s)
				nas[assign[i]] = append(nas[assign[i]], !ok)
			}
			for o := 0; o < k; o++ {
				out[o][c] = chunk.EncodeStrings(strs[o], nas[o])
			}
			continue
		}
		vals = ch.Floats(vals)
		parts := make([][]float64, k)
		for i := 0; i < rows; i++ {
			parts[assign[i]] = append(parts[assign[i]], vals[i])
		}
		for o := 0; o < k; o++ {
			out[o][c] = chunk.EncodeNumeric(parts[o])
		}
	}
	return out
}

// FilterFrame is the metadata of a split output: same columns, new name.
func FilterFrame(src *frame.Frame, name string) frame.Frame {
	return frame.Frame{Name: name, Columns: src.Columns, Source: "split of " + src.Name}
}
