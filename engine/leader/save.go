package leader

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/jobs"
	"github.com/mlctl/mlctl/engine/node"
	"github.com/mlctl/mlctl/engine/snapshot"
	"github.com/mlctl/mlctl/scoring"
)

// saveKey reserves the cluster for one save or restore at a time.
const saveKey = "cluster:save-or-restore"

func (l *Leader) saveRoutes() {
	n := l.self
	n.Handle("POST /api/v1/cluster/save", func(w http.ResponseWriter, r *http.Request) {
		var req api.SaveRequest
		if err := decodeStrict(r, &req); err != nil {
			writeErr(w, err)
			return
		}
		l.saveJob(w, "save", req.Dir, func(ctx context.Context, st snapshot.Storage, p *jobs.Progress) (string, error) {
			res, err := l.save(ctx, st, req.Dir, p.Set)
			if err != nil {
				return "", err
			}
			if res.Skipped != "" {
				p.Set(1, res.Skipped)
				return "", nil
			}
			p.Set(1, saveSummary(&res.SaveResult))
			return res.Location, nil
		})
	})
	n.Handle("POST /api/v1/cluster/restore", func(w http.ResponseWriter, r *http.Request) {
		var req api.RestoreRequest
		if err := decodeStrict(r, &req); err != nil {
			writeErr(w, err)
			return
		}
		l.saveJob(w, "restore", req.Dir, func(ctx context.Context, st snapshot.Storage, p *jobs.Progress) (string, error) {
			res, err := l.restore(ctx, st, req.Dir, p.Set)
			if err != nil {
				return "", err
			}
			p.Set(1, saveSummary(&res.SaveResult))
			return res.Location, nil
		})
	})
}

// saveJob is what both routes share: the storage at dir is opened and
// checked, the cluster is reserved for one save or restore at a time, and
// run becomes a job of that kind that releases the reservation when it ends.
func (l *Leader) saveJob(w http.ResponseWriter, kind, dir string, run func(context.Context, snapshot.Storage, *jobs.Progress) (string, error)) {
	l.touch()
	st, err := l.openSaves(dir)
	if err != nil {
		writeErr(w, err)
		return
	}
	if err := l.reserve(saveKey, "a save or restore is already running", "wait for it (mlctl job list)"); err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, l.startJob(kind, dir, func(ctx context.Context, p *jobs.Progress) (string, error) {
		defer l.release(saveKey)
		return run(ctx, st, p)
	}))
}

func decodeStrict(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest(err)
	}
	return nil
}

// saveSummary is a save's contents and size in words, the final message of
// its job: "2 frames (14 chunks) and 1 model, 3.2 MiB (3355443 bytes)".
func saveSummary(r *api.SaveResult) string {
	return fmt.Sprintf("%d %s (%d chunks) and %d %s, %s (%d bytes)", r.Frames, plural(r.Frames, "frame"), r.Chunks,
		r.Models, plural(r.Models, "model"), humanBytes(r.Bytes), r.Bytes)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// openSaves opens a saves directory, as a 400 when it cannot be used.
func (l *Leader) openSaves(dir string) (snapshot.Storage, error) {
	st, err := snapshot.Open(dir, l.self.Remote())
	if err != nil {
		return nil, &codedError{status: http.StatusBadRequest, code: "bad_request", err: err,
			hint: "the saves directory is an absolute path (local backend) or hdfs:///user/USER/... (yarn)"}
	}
	return st, nil
}

// reserve marks key busy, or says why it cannot.
func (l *Leader) reserve(key, why, hint string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy[key] {
		return conflict(errors.New(why), hint)
	}
	l.busy[key] = true
	return nil
}

// Save writes every frame and model into the saves directory dir and
// points its current.json at the new save once all of it is written and
// checked; older saves but the previous one are then removed. A save that
// fails part-way removes what it wrote and leaves current.json as it was.
// The automatic stops (idle, uptime) call it directly.
func (l *Leader) Save(ctx context.Context, dir string) (*api.SaveResult, error) {
	st, err := l.openSaves(dir)
	if err != nil {
		return nil, err
	}
	if err := l.reserve(saveKey, "a save or restore is already running", "wait for it (mlctl job list)"); err != nil {
		return nil, err
	}
	defer l.release(saveKey)
	ctx, done := l.operation(ctx)
	defer done()
	res, err := l.save(ctx, st, dir, func(float64, string) {})
	if err != nil {
		return nil, err
	}
	return &res.SaveResult, nil
}

// saved is what save returns: the result and the manifest.
type saved struct {
	api.SaveResult
	manifest *snapshot.Manifest
}

func (l *Leader) save(ctx context.Context, st snapshot.Storage, dir string, progress progressFunc) (_ *saved, err error) {
	if err := l.healthy(); err != nil {
		return nil, fmt.Errorf("cannot save an unhealthy cloud: %w", err)
	}
	frames, models := l.saveSet()
	if len(frames) == 0 && len(models) == 0 {
		// An empty cluster (say, one whose restore failed) must not push a
		// good save out.
		why := "it holds no frames or models, so no save was written"
		if prev, err := snapshot.ReadCurrent(ctx, st); err == nil {
			why += "; the previous save " + prev.Save + " stays the one to restore"
		}
		l.log.Printf("save: %s", why)
		return &saved{SaveResult: api.SaveResult{Dir: dir, Nodes: len(l.members), Created: time.Now().UTC(), Skipped: why},
			manifest: &snapshot.Manifest{}}, nil
	}
	now := time.Now().UTC()
	name := snapshot.NewSaveName(now)
	m := &snapshot.Manifest{Format: snapshot.Format, FormatVersion: snapshot.FormatVersion, MlctlVersion: snapshot.Version(),
		Cluster: l.cluster, Created: now, Nodes: len(l.members), Frames: []snapshot.Frame{}, Models: []snapshot.Model{}}
	prev, perr := snapshot.ReadCurrent(ctx, st)
	if perr != nil && !errors.Is(perr, snapshot.ErrNoSave) {
		l.log.Printf("save: the previous save is unreadable, it will be replaced: %v", perr)
	}
	complete := false // every file written and checked
	defer func() {
		if err == nil {
			return
		}
		if complete {
			// Replacing current.json failed part-way: on HDFS it or its
			// .next may already name this save, so the save stays.
			err = fmt.Errorf("save %s is complete, but pointing %s at it failed (restore uses the save it names, this one or the previous): %w", st.Where(name), st.Where(snapshot.CurrentFile), err)
			return
		}
		// Remove what this save wrote; current.json was not touched.
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if rerr := st.RemoveAll(cctx, name); rerr != nil {
			l.log.Printf("save: removing the incomplete save %s: %v", st.Where(name), rerr)
		}
		kept := "there was no earlier save"
		if prev != nil {
			kept = "the previous save " + prev.Save + " is intact"
		}
		err = fmt.Errorf("saving to %s failed (%s): %w", st.Where(""), kept, err)
	}()
	if err := st.MkdirAll(ctx, name); err != nil {
		return nil, err
	}
	total := 0
	for _, f := range frames {
		total += len(f.Chunks)
	}
	done := 0
	progress(0, fmt.Sprintf("saving %d frames (%d chunks) and %d models", len(frames), total, len(models)))
	for _, f := range frames {
		sf, err := l.saveFrame(ctx, dir, name, f)
		if err != nil {
			return nil, err
		}
		m.Frames = append(m.Frames, *sf)
		done += len(f.Chunks)
		for _, c := range sf.Chunks {
			m.Bytes += c.Size
		}
		progress(0.9*float64(done)/float64(max(total, 1)), fmt.Sprintf("saved frame %s (%d of %d chunks)", f.Name, done, total))
	}
	for _, id := range sortedKeys(models) {
		data, err := encodeModel(models[id])
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", id, err)
		}
		rel := name + "/" + snapshot.ModelPath(id)
		if err := writeChecked(ctx, st, rel, data); err != nil {
			return nil, err
		}
		m.Models = append(m.Models, snapshot.Model{ID: id, Algo: models[id].out.Info.Algo, File: snapshot.ModelPath(id), Size: int64(len(data)), SHA256: snapshot.Sum(data)})
		m.Bytes += int64(len(data))
	}
	progress(0.95, "writing the manifest")
	mdata := m.Encode()
	if err := writeChecked(ctx, st, name+"/"+snapshot.ManifestFile, mdata); err != nil {
		return nil, err
	}
	// The save is complete: only now does current.json point at it.
	complete = true
	if err := snapshot.WriteCurrent(ctx, st, &snapshot.Current{Save: name, ManifestSHA256: snapshot.Sum(mdata), Written: time.Now().UTC()}); err != nil {
		return nil, err
	}
	// Older saves go, but the previous one (a crash between the steps above
	// is then safe). With an unreadable current.json nothing is removed:
	// the user may want one of them back.
	var pruned []string
	if perr == nil || errors.Is(perr, snapshot.ErrNoSave) {
		keep := []string{name}
		if prev != nil {
			keep = append(keep, prev.Save)
		}
		var err error
		if pruned, err = snapshot.Prune(ctx, st, keep...); err != nil {
			l.log.Printf("save: removing older saves: %v", err)
		}
	}
	res := &saved{manifest: m, SaveResult: resultOf(dir, st, name, m)}
	res.Pruned = pruned
	l.log.Printf("saved %s to %s", saveSummary(&res.SaveResult), res.Location)
	return res, nil
}

func resultOf(dir string, st snapshot.Storage, name string, m *snapshot.Manifest) api.SaveResult {
	r := api.SaveResult{Dir: dir, Save: name, Location: st.Where(name), Frames: len(m.Frames), Models: len(m.Models), Bytes: m.Bytes, Created: m.Created, Nodes: m.Nodes}
	for _, f := range m.Frames {
		r.Chunks += len(f.Chunks)
	}
	return r
}

// saveSet is what a save holds: the user's frames (not a job's working
// frames, nor frames being written) and every model.
func (l *Leader) saveSet() ([]*frame.Frame, map[string]*storedModel) {
	l.mu.Lock()
	defer l.mu.Unlock()
	hidden := map[string]bool{}
	for _, ts := range l.temps {
		for _, t := range ts {
			hidden[t] = true
		}
	}
	var frames []*frame.Frame
	for name, f := range l.frames {
		if !hidden[name] && !l.busy[name] {
			frames = append(frames, f)
		}
	}
	sort.Slice(frames, func(i, j int) bool { return frames[i].Name < frames[j].Name })
	models := make(map[string]*storedModel, len(l.models))
	for id, m := range l.models {
		models[id] = m
	}
	return frames, models
}

// saveFrame has every node holding chunks of f write them.
func (l *Leader) saveFrame(ctx context.Context, dir, name string, f *frame.Frame) (*snapshot.Frame, error) {
	sf := &snapshot.Frame{Name: f.Name, Columns: f.Columns, Source: f.Source, Sources: f.Sources, Rows: f.Rows(),
		Chunks: make([]snapshot.ChunkFile, len(f.Chunks))}
	got := make([]bool, len(f.Chunks))
	err := l.forAll(ctx, f.Homes(), func(ctx context.Context, idx int) error {
		req := &node.SaveChunksRequest{Dir: dir, Save: name, Frame: f.Name}
		var resp *node.SaveChunksResponse
		err := l.call(ctx, idx, node.PathSaveChunks, req, &resp, func() (err error) {
			resp, err = l.self.SaveChunks(ctx, req)
			return err
		})
		if err != nil {
			return fmt.Errorf("node %d saving frame %s: %w", idx, f.Name, err)
		}
		want := f.ChunksOn(idx)
		if len(resp.Chunks) != len(want) {
			return fmt.Errorf("frame %s changed during the save (node %d holds %d chunks, not %d); save again", f.Name, idx, len(resp.Chunks), len(want))
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, c := range resp.Chunks {
			if c.Index < 0 || c.Index >= len(got) || f.Chunks[c.Index].Home != idx || got[c.Index] {
				return fmt.Errorf("frame %s changed during the save (node %d sent chunk %d); save again", f.Name, idx, c.Index)
			}
			got[c.Index] = true
			sf.Chunks[c.Index] = c
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sf, nil
}

// writeChecked writes a file and reads it back to check it.
func writeChecked(ctx context.Context, st snapshot.Storage, rel string, data []byte) error {
	if err := st.WriteFile(ctx, rel, data); err != nil {
		return fmt.Errorf("writing %s: %w", st.Where(rel), err)
	}
	back, err := st.ReadFile(ctx, rel)
	if err != nil {
		return fmt.Errorf("reading back %s: %w", st.Where(rel), err)
	}
	return snapshot.Verify(st.Where(rel), back, int64(len(data)), snapshot.Sum(data))
}

// savedModel is a model file: everything export serves (description,
// schema, binary body, threshold, lineage, profile) and the scoring form as
// the engine holds it, whose JSON keeps what the body's layout does not
// (an empty list and a missing one). From it, predict, export and model
// show work after a restore as before.
type savedModel struct {
	api.ModelExport
	Scoring json.RawMessage `json:"scoring"`
}

func encodeModel(m *storedModel) ([]byte, error) {
	body, err := scoring.EncodeBody(m.out.Model)
	if err != nil {
		return nil, err
	}
	sm := savedModel{ModelExport: api.ModelExport{Model: m.out.Info, Schema: *m.out.Model.ModelSchema(), Body: body, Sources: m.out.Sources, Profile: m.out.Profile}}
	if !math.IsNaN(m.out.Threshold) {
		sm.Threshold = api.NumberPtr(m.out.Threshold)
	}
	if sm.Scoring, err = json.Marshal(m.out.Model); err != nil {
		return nil, err
	}
	return json.Marshal(&sm)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
