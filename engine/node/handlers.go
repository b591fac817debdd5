package node

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/mlctl/mlctl/engine/cloud"
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
	gobHandler(n, PathMR, n.MR)
	gobHandler(n, PathSplit, n.Split)
	gobHandler(n, PathDelete, func(ctx context.Context, req *DeleteRequest) (*struct{}, error) {
		n.store.remove(req.Name)
		return &struct{}{}, nil
	})
	gobHandler(n, PathRename, func(ctx context.Context, req *RenameRequest) (*struct{}, error) {
		n.RenameFrame(req.From, req.To)
		return &struct{}{}, nil
	})
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
	ps, err := run(ctx, req.Args, local)
	if err != nil {
		return nil, err
	}
	return &MRResponse{Partials: ps}, nil
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
