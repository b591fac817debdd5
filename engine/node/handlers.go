package node

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/mr"
)

func (n *Node) routes() {
	n.Handle("POST "+PathPing, func(w http.ResponseWriter, r *http.Request) { cloud.WriteGob(w, n.Usage()) })
	n.Handle("POST "+PathHeartbeat, func(w http.ResponseWriter, r *http.Request) {
		var hb Heartbeat
		if err := cloud.ReadGob(r, &hb); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if n.OnHeartbeat == nil {
			http.Error(w, "this node is not the leader", http.StatusMisdirectedRequest)
			return
		}
		n.OnHeartbeat(hb)
		cloud.WriteGob(w, struct{}{})
	})
	gobHandler(n, PathParse, n.Parse)
	gobHandler(n, PathCommit, n.Commit)
	gobHandler(n, PathAbort, func(ctx context.Context, req *AbortRequest) (*struct{}, error) {
		n.Abort(req.Import)
		return &struct{}{}, nil
	})
	gobHandler(n, PathMR, func(ctx context.Context, req *MRRequest) (*MRResponse, error) {
		resp, err := n.MR(ctx, req)
		if err == nil {
			err = mr.Encode(resp.Partials) // only partials that cross the network are encoded
		}
		return resp, err
	})
	gobHandler(n, PathDropState, func(ctx context.Context, req *DropStateRequest) (*struct{}, error) {
		n.DropState(req)
		return &struct{}{}, nil
	})
	gobHandler(n, PathDelete, func(ctx context.Context, req *DeleteRequest) (*struct{}, error) {
		n.store.remove(req.Name)
		return &struct{}{}, nil
	})
	gobHandler(n, PathRename, func(ctx context.Context, req *RenameRequest) (*struct{}, error) {
		n.RenameFrame(req.From, req.To)
		return &struct{}{}, nil
	})
	n.saveRoutes()
	gobHandler(n, PathLogs, func(ctx context.Context, _ *struct{}) (*LogsResponse, error) {
		return &LogsResponse{Log: n.RecentLog()}, nil
	})
	n.Handle("POST "+PathShutdown, func(w http.ResponseWriter, r *http.Request) {
		cloud.WriteGob(w, struct{}{})
		n.log.Printf("shutdown requested by the leader")
		go n.Shutdown()
	})
}

// gobHandler serves fn at path with gob request and response bodies.
func gobHandler[Req, Resp any](n *Node, path string, fn func(context.Context, *Req) (*Resp, error)) {
	n.Handle("POST "+path, func(w http.ResponseWriter, r *http.Request) {
		var req Req
		if err := cloud.ReadGob(r, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp, err := fn(r.Context(), &req)
		if err != nil {
			httpError(w, err)
			return
		}
		cloud.WriteGob(w, resp)
	})
}

// MR runs a registered task over this node's chunks of a frame.
func (n *Node) MR(ctx context.Context, req *MRRequest) (*MRResponse, error) {
	run, ok := mr.Lookup(req.Task)
	if !ok {
		return nil, fmt.Errorf("task %q is not known to this node (version mismatch?)", req.Task)
	}
	local, err := n.store.local(req.Frame)
	if err != nil {
		return nil, err
	}
	for _, e := range req.Extra {
		el, err := n.store.local(e)
		if err != nil {
			return nil, err
		}
		if len(el.Indices) != len(local.Indices) {
			return nil, fmt.Errorf("frame %s has %d chunks on this node, %s has %d: not the same layout", e, len(el.Indices), req.Frame, len(local.Indices))
		}
		local.Extra = append(local.Extra, el.Chunks)
	}
	if req.Job != "" {
		local.State = n.states.Job(req.Job)
	}
	ps, err := run(ctx, req, local)
	if err != nil {
		return nil, err
	}
	resp := &MRResponse{Partials: ps}
	if req.Output != nil {
		em := local.Emitted()
		chunks := make(map[int][]chunk.Chunk, len(em))
		for _, idx := range local.Indices {
			cols, ok := em[idx]
			if !ok {
				return nil, fmt.Errorf("task %s emitted no chunk %d of %s", req.Task, idx, req.Output.Name)
			}
			chunks[idx] = cols
			rows := 0
			if len(cols) > 0 {
				rows = cols[0].Len()
			}
			resp.Emitted = append(resp.Emitted, frame.ChunkRef{Index: idx, Rows: int64(rows), Bytes: chunkBytes(cols)})
		}
		meta := *req.Output
		n.store.put(&meta, chunks)
	}
	return resp, nil
}

// DropState forgets a job's node state and working frames.
func (n *Node) DropState(req *DropStateRequest) {
	n.states.Drop(req.Job)
	for _, f := range req.Frames {
		n.store.remove(f)
	}
}

// DeleteFrame drops a frame's local chunks; false if there were none.
func (n *Node) DeleteFrame(name string) bool { return n.store.remove(name) }

// HasFrame reports whether this node knows the frame.
func (n *Node) HasFrame(name string) error {
	if _, err := n.store.local(name); err != nil {
		return fmt.Errorf("frame %q: %w", name, fs.ErrNotExist)
	}
	return nil
}

// RecentLog returns this process's recent log (empty when not kept).
func (n *Node) RecentLog() []byte {
	if n.cfg.Logs == nil {
		return nil
	}
	return n.cfg.Logs.Bytes()
}

// RenameFrame renames a local frame, replacing any of the new name.
func (n *Node) RenameFrame(from, to string) { n.store.rename(from, to) }
