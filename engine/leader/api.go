package leader

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/jobs"
	"github.com/mlctl/mlctl/engine/node"
)

func (l *Leader) routes() {
	n := l.self
	n.Handle("GET /api/v1/cloud", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, l.Cloud()) })
	n.Handle("GET /api/v1/jobs/{id}", func(w http.ResponseWriter, r *http.Request) {
		j, ok := l.jobs.Get(r.PathValue("id"))
		if !ok {
			writeErr(w, fmt.Errorf("job %q: %w", r.PathValue("id"), fs.ErrNotExist))
			return
		}
		writeJSON(w, j)
	})
	n.Handle("GET /api/v1/jobs", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, l.jobs.List()) })
	n.Handle("POST /api/v1/jobs/{id}/cancel", func(w http.ResponseWriter, r *http.Request) {
		j, err := l.jobs.Cancel(r.PathValue("id"), 30*time.Second)
		if err != nil {
			writeErr(w, &codedError{status: 404, code: "not_found", err: err, hint: "mlctl job list shows the jobs of this cluster"})
			return
		}
		writeJSON(w, j)
	})
	l.modelRoutes()
	l.saveRoutes()
	n.Handle("POST /api/v1/frames/import", func(w http.ResponseWriter, r *http.Request) {
		var req api.ImportRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeErr(w, badRequest(err))
			return
		}
		l.touch()
		if err := l.checkImport(&req); err != nil {
			writeErr(w, err)
			return
		}
		writeJSON(w, l.startJob("import", req.Name, func(ctx context.Context, p *jobs.Progress) (string, error) {
			defer l.release(req.Name)
			return req.Name, l.importFrame(ctx, &req, p.Set, p.Warn)
		}))
	})
	n.Handle("GET /api/v1/frames", func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		out := make([]api.FrameInfo, 0, len(l.frames))
		hidden := map[string]bool{}
		for _, ts := range l.temps {
			for _, t := range ts {
				hidden[t] = true // a job's working frame
			}
		}
		for _, f := range l.frames {
			if !hidden[f.Name] {
				out = append(out, info(f))
			}
		}
		l.mu.Unlock()
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		writeJSON(w, out)
	})
	n.Handle("GET /api/v1/frames/{name}", func(w http.ResponseWriter, r *http.Request) {
		f, ok := l.frame(r.PathValue("name"))
		if !ok {
			writeErr(w, frameNotFound(r.PathValue("name")))
			return
		}
		writeJSON(w, info(f))
	})
	n.Handle("GET /api/v1/frames/{name}/summary", func(w http.ResponseWriter, r *http.Request) {
		l.touch()
		s, err := l.Summary(r.Context(), r.PathValue("name"))
		if err != nil {
			writeErr(w, err)
			return
		}
		writeJSON(w, s)
	})
	n.Handle("POST /api/v1/frames/{name}/split", func(w http.ResponseWriter, r *http.Request) {
		var req api.SplitRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeErr(w, badRequest(err))
			return
		}
		req.Frame = r.PathValue("name")
		l.touch()
		out, err := l.Split(r.Context(), &req)
		if err != nil {
			writeErr(w, err)
			return
		}
		writeJSON(w, out)
	})
	n.Handle("DELETE /api/v1/frames/{name}", func(w http.ResponseWriter, r *http.Request) {
		l.touch()
		if err := l.DeleteFrame(r.Context(), r.PathValue("name")); err != nil {
			writeErr(w, err)
			return
		}
		writeJSON(w, map[string]string{"deleted": r.PathValue("name")})
	})
	n.Handle("GET /api/v1/logs/{node}", func(w http.ResponseWriter, r *http.Request) {
		idx, err := strconv.Atoi(r.PathValue("node"))
		if err != nil || idx < 0 || idx >= len(l.members) {
			writeErr(w, &codedError{status: 404, code: "not_found", err: fmt.Errorf("no node %q in this cloud of %d", r.PathValue("node"), len(l.members))})
			return
		}
		var resp *node.LogsResponse
		err = l.call(r.Context(), idx, node.PathLogs, &struct{}{}, &resp, func() error {
			resp = &node.LogsResponse{Log: l.self.RecentLog()}
			return nil
		})
		if err != nil {
			writeErr(w, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(resp.Log)
	})
	n.Handle("POST /api/v1/shutdown", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]bool{"stopping": true})
		go l.Shutdown()
	})
}

// Cloud reports the leader's view of the cloud.
func (l *Leader) Cloud() api.CloudStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := api.CloudStatus{
		Cluster: l.cluster, Healthy: l.problem == "", Leader: l.self.Self().Index, Size: len(l.members),
		Formed: true, Problem: l.problem, Started: l.started, LastWork: l.lastWork,
	}
	if l.jobs.Running() > 0 {
		st.LastWork = time.Now().UTC() // a long training job is not idle time
	}
	// Frame bytes and chunks per node come from the leader's own map, exact
	// at once; the heap comes from the last heartbeat.
	bytes := make([]int64, len(l.members))
	chunks := make([]int, len(l.members))
	for _, f := range l.frames {
		for _, c := range f.Chunks {
			if c.Home >= 0 && c.Home < len(bytes) {
				bytes[c.Home] += c.Bytes
				chunks[c.Home]++
			}
		}
	}
	for i, m := range l.members {
		h := l.health[i]
		st.Nodes = append(st.Nodes, api.NodeStatus{
			Index: i, Addr: m.Addr, PID: m.PID, Healthy: !h.lost, LastHeartbeat: h.last.UTC(),
			MemBytes: bytes[i], HeapBytes: h.hb.HeapBytes, MemLimit: h.hb.MemLimit, Chunks: chunks[i],
		})
	}
	return st
}

// Shutdown stops every node, then this one.
func (l *Leader) Shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	others := []int{}
	for i := range l.members {
		if i != l.self.Self().Index && l.lostErr(i) == nil {
			others = append(others, i)
		}
	}
	l.forAll(ctx, others, func(ctx context.Context, idx int) error {
		if err := l.self.Peer().Call(ctx, l.members[idx].Addr, node.PathShutdown, struct{}{}, nil); err != nil {
			l.log.Printf("stopping node %d: %v", idx, err)
		}
		return nil
	})
	l.log.Printf("cloud shut down on request")
	l.self.Shutdown()
}

func info(fr *frame.Frame) api.FrameInfo {
	return api.FrameInfo{Name: fr.Name, Rows: fr.Rows(), Columns: len(fr.Columns), Chunks: len(fr.Chunks), MemBytes: fr.MemBytes(), Source: fr.Source}
}

// apiError is the JSON error body; Code is a word the client maps to an exit
// code (not_found, conflict, bad_request, unavailable, error).
type apiError struct {
	Error string `json:"error"`
	Code  string `json:"code"`
	Hint  string `json:"hint,omitempty"`
}

type codedError struct {
	status int
	code   string
	hint   string
	err    error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

func badRequest(err error) error {
	return &codedError{status: http.StatusBadRequest, code: "bad_request", err: err}
}

func conflict(err error, hint string) error {
	return &codedError{status: http.StatusConflict, code: "conflict", err: err, hint: hint}
}

func frameNotFound(name string) error {
	return &codedError{status: http.StatusNotFound, code: "not_found", err: fmt.Errorf("frame %q does not exist", name), hint: "mlctl frame list shows the frames of this cluster"}
}

func writeErr(w http.ResponseWriter, err error) {
	body := apiError{Error: err.Error(), Code: "error"}
	status := http.StatusInternalServerError
	var ce *codedError
	switch {
	case errors.As(err, &ce):
		status, body.Code, body.Hint = ce.status, ce.code, ce.hint
	case errors.Is(err, fs.ErrNotExist) || os.IsNotExist(err):
		status, body.Code = http.StatusNotFound, "not_found"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// writeJSON answers v, encoded in full before anything is sent, so an
// answer JSON cannot carry is a clear 500, never a cut-off body (which a
// client reads as EOF).
func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeErr(w, fmt.Errorf("the leader could not encode its answer (a bug; please report it): %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(b, '\n'))
}
