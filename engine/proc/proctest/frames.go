package proctest

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/engine/node"
)

type frameArgs struct{ Frame string }

// frameChunks is one node's chunks of a frame, decoded.
type frameChunks struct {
	Columns []frame.Column
	Chunks  map[int][][]float64 // chunk index -> column -> values
}

// frameValues hands a node's chunks of a frame back as float64 values
// (NaN for NA, codes for categorical columns): the leader API has no way
// to read a frame's cells, and tests of what a task wrote need them.
var frameValues = mr.RegisterNode(&mr.NodeFunc[frameArgs, frameChunks]{
	Name: "proctest.frameValues",
	Run: func(_ context.Context, _ frameArgs, local *mr.Local) (frameChunks, error) {
		out := frameChunks{Columns: local.Frame.Columns, Chunks: map[int][][]float64{}}
		for k, idx := range local.Indices {
			var cols [][]float64
			for _, c := range local.Chunks[k] {
				cols = append(cols, c.Floats(nil))
			}
			out.Chunks[idx] = cols
		}
		return out, nil
	},
	Merge: func(dst *frameChunks, src frameChunks) {
		for k, v := range src.Chunks {
			dst.Chunks[k] = v
		}
	},
})

// FrameValues reads every cell of a frame from the nodes that hold it:
// its columns (with their domains) and, per column, the values of all rows
// in frame order, as float64 (NaN for NA, the code for a categorical
// value). String columns cannot be read this way.
func (c *Cloud) FrameValues(t testing.TB, name string) ([]frame.Column, [][]float64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	info, err := c.Client.Frame(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := cloud.LoadSecrets(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	peer, err := cloud.NewPeer(s)
	if err != nil {
		t.Fatal(err)
	}
	members, err := cloud.DirRendezvous{Dir: c.dir}.Members(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var args bytes.Buffer
	if err := gob.NewEncoder(&args).Encode(&frameArgs{Frame: name}); err != nil {
		t.Fatal(err)
	}
	all := frameChunks{Chunks: map[int][][]float64{}}
	var nodeErrs []error
	for _, m := range members {
		var resp node.MRResponse
		req := &node.MRRequest{Task: frameValues.Name, Frame: name, Args: args.Bytes(), NChunks: info.Chunks}
		if err := peer.Call(ctx, m.Addr, node.PathMR, req, &resp); err != nil {
			// A node that holds no chunk of the frame does not know it.
			nodeErrs = append(nodeErrs, fmt.Errorf("node %d: %w", m.Index, err))
			continue
		}
		for _, p := range resp.Partials {
			var part frameChunks
			if err := gob.NewDecoder(bytes.NewReader(p.Data)).Decode(&part); err != nil {
				t.Fatalf("node %d: %v", m.Index, err)
			}
			if all.Columns == nil {
				all.Columns = part.Columns
			}
			frameValues.Merge(&all, part)
		}
	}
	if len(all.Chunks) != info.Chunks {
		t.Fatalf("frame %s: got %d of its %d chunks (%v)", name, len(all.Chunks), info.Chunks, nodeErrs)
	}
	vals := make([][]float64, len(all.Columns))
	for i := 0; i < info.Chunks; i++ {
		ch, ok := all.Chunks[i]
		if !ok || len(ch) != len(all.Columns) {
			t.Fatalf("frame %s: chunk %d missing or with %d columns", name, i, len(ch))
		}
		for j := range vals {
			vals[j] = append(vals[j], ch[j]...)
		}
	}
	if len(vals) > 0 && int64(len(vals[0])) != info.Rows {
		t.Fatalf("frame %s: read %d rows, it has %d", name, len(vals[0]), info.Rows)
	}
	return all.Columns, vals
}
