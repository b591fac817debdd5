package leader

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/node"
	"github.com/mlctl/mlctl/engine/snapshot"
	"github.com/mlctl/mlctl/engine/train"
	"github.com/mlctl/mlctl/scoring"
)

// Restore loads the save that dir's current.json points at: its frames,
// spread over this cloud's nodes whatever their number, and its models.
// Every file is checked against the manifest's size and SHA-256 first; a
// mismatch is an error naming the file (its text has api.IntegrityText)
// and nothing is restored. A frame or model of the save that this cluster
// already has is a conflict.
func (l *Leader) Restore(ctx context.Context, dir string) (*api.RestoreResult, error) {
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
	return l.restore(ctx, st, dir, func(float64, string) {})
}

func (l *Leader) restore(ctx context.Context, st snapshot.Storage, dir string, progress progressFunc) (*api.RestoreResult, error) {
	if err := l.healthy(); err != nil {
		return nil, fmt.Errorf("cannot restore into an unhealthy cloud: %w", err)
	}
	cur, err := snapshot.ReadCurrent(ctx, st)
	if err != nil {
		return nil, err
	}
	m, err := snapshot.ReadManifest(ctx, st, cur)
	if err != nil {
		return nil, err
	}
	// Reserve every name the save brings, or refuse before any work.
	names := make([]string, 0, len(m.Frames)+len(m.Models))
	l.mu.Lock()
	for _, f := range m.Frames {
		if _, ok := l.frames[f.Name]; ok || l.busy[f.Name] {
			l.mu.Unlock()
			return nil, conflict(fmt.Errorf("frame %q of the save already exists in this cluster", f.Name), "delete it (mlctl frame delete) or restore into an empty cluster")
		}
		names = append(names, f.Name)
	}
	for _, md := range m.Models {
		if _, ok := l.models[md.ID]; ok || l.busy["model:"+md.ID] {
			l.mu.Unlock()
			return nil, conflict(fmt.Errorf("model %q of the save already exists in this cluster", md.ID), "delete it (mlctl model delete) or restore into an empty cluster")
		}
		names = append(names, "model:"+md.ID)
	}
	for _, n := range names {
		l.busy[n] = true
	}
	l.mu.Unlock()
	defer func() {
		for _, n := range names {
			l.release(n)
		}
	}()

	if err := l.checkFits(m); err != nil {
		return nil, err
	}
	// Models first: small, and all checked before any frame is loaded.
	progress(0, fmt.Sprintf("reading %d models", len(m.Models)))
	models := map[string]*storedModel{}
	for _, md := range m.Models {
		out, err := readModel(ctx, st, cur.Save, md)
		if err != nil {
			return nil, err
		}
		models[md.ID] = &storedModel{out: out}
	}

	b := make([]byte, 4)
	rand.Read(b)
	tag := hex.EncodeToString(b)
	var loaded []string // temporary frame names on the nodes
	fail := func(err error) (*api.RestoreResult, error) {
		for _, t := range loaded {
			l.dropOnNodes(t)
		}
		return nil, err
	}
	frames := make([]*frame.Frame, 0, len(m.Frames))
	total, done := 0, 0
	for _, f := range m.Frames {
		total += len(f.Chunks)
	}
	for _, sf := range m.Frames {
		tmp := sf.Name + ".restoring-" + tag
		loaded = append(loaded, tmp)
		fr, err := l.loadFrame(ctx, dir, cur.Save, &sf, tmp)
		if err != nil {
			return fail(err)
		}
		frames = append(frames, fr)
		done += len(sf.Chunks)
		progress(0.95*float64(done)/float64(max(total, 1)), fmt.Sprintf("restored frame %s (%d of %d chunks)", sf.Name, done, total))
	}
	// Every chunk is in memory and checked: give the frames their names.
	for i, fr := range frames {
		tmp, final := loaded[i], fr.Name
		err := l.forAll(ctx, l.allNodes(), func(ctx context.Context, idx int) error {
			req := &node.RenameRequest{From: tmp, To: final}
			return l.call(ctx, idx, node.PathRename, req, nil, func() error { l.self.RenameFrame(tmp, final); return nil })
		})
		if err != nil {
			for _, done := range frames[:i+1] {
				l.dropOnNodes(done.Name)
			}
			return fail(err)
		}
	}
	l.mu.Lock()
	for _, fr := range frames {
		l.frames[fr.Name] = fr
	}
	for id, sm := range models {
		l.models[id] = sm
	}
	l.mu.Unlock()
	res := &api.RestoreResult{SaveResult: resultOf(dir, st, cur.Save, m), Into: len(l.members)}
	l.log.Printf("restored %s from %s (saved by %d nodes, restored into %d)", saveSummary(&res.SaveResult), res.Location, m.Nodes, len(l.members))
	return res, nil
}

// homeOf spreads a frame's chunks over n nodes in contiguous runs that keep
// the frame's order (chunk i on node i*n/chunks): the layout the import
// makes, so reductions send few partials, and frames of equal chunk counts
// (a frame and its predictions) line up on the same nodes.
func homeOf(i, chunks, n int) int { return i * n / chunks }

// checkFits refuses a restore whose chunks cannot fit: per node, the bytes
// it would hold (what it holds now and its share of the save) against the
// memory limit it reports (GOMEMLIMIT, from the container size), when it
// reports one.
func (l *Leader) checkFits(m *snapshot.Manifest) error {
	n := len(l.members)
	need := make([]int64, n)
	for _, f := range m.Frames {
		for i, c := range f.Chunks {
			need[homeOf(i, len(f.Chunks), n)] += c.MemBytes
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.frames {
		for _, c := range f.Chunks {
			if c.Home >= 0 && c.Home < n {
				need[c.Home] += c.Bytes
			}
		}
	}
	for i, h := range l.health {
		if limit := h.hb.MemLimit; limit > 0 && need[i] > limit {
			var total int64
			for _, f := range m.Frames {
				for _, c := range f.Chunks {
					total += c.MemBytes
				}
			}
			return fmt.Errorf("the save does not fit: node %d would hold %s of frames, over its memory limit of %s (the save's frames take %s in all); start the cluster with more nodes or more memory per node",
				i, humanBytes(need[i]), humanBytes(limit), humanBytes(total))
		}
	}
	return nil
}

// loadFrame has every node load its share of a saved frame under the name
// tmp.
func (l *Leader) loadFrame(ctx context.Context, dir, save string, sf *snapshot.Frame, tmp string) (*frame.Frame, error) {
	n := len(l.members)
	fr := &frame.Frame{Name: sf.Name, Columns: sf.Columns, Source: sf.Source, Sources: sf.Sources, Chunks: make([]frame.ChunkRef, len(sf.Chunks))}
	per := make([][]snapshot.ChunkFile, n)
	for i, c := range sf.Chunks {
		h := homeOf(i, len(sf.Chunks), n)
		per[h] = append(per[h], c)
		fr.Chunks[i] = frame.ChunkRef{Index: i, Home: h, Rows: c.Rows}
	}
	meta := frame.Frame{Name: tmp, Columns: sf.Columns, Source: sf.Source, Sources: sf.Sources}
	err := l.forAll(ctx, l.allNodes(), func(ctx context.Context, idx int) error {
		req := &node.LoadChunksRequest{Dir: dir, Save: save, Frame: meta, Chunks: per[idx]}
		var resp *node.LoadChunksResponse
		err := l.call(ctx, idx, node.PathLoadChunks, req, &resp, func() (err error) {
			resp, err = l.self.LoadChunks(ctx, req)
			return err
		})
		if err != nil {
			return fmt.Errorf("node %d loading frame %s: %w", idx, sf.Name, err)
		}
		l.mu.Lock()
		for _, ci := range resp.Chunks {
			fr.Chunks[ci.Index].Bytes = ci.Bytes
		}
		l.mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fr, nil
}

// readModel reads, checks and decodes one saved model.
func readModel(ctx context.Context, st snapshot.Storage, save string, md snapshot.Model) (*train.Output, error) {
	rel := save + "/" + md.File
	data, err := st.ReadFile(ctx, rel)
	if err != nil {
		return nil, fmt.Errorf("reading model %s: %w", st.Where(rel), err)
	}
	if err := snapshot.Verify(st.Where(rel), data, md.Size, md.SHA256); err != nil {
		return nil, err
	}
	var ex savedModel
	if err := json.Unmarshal(data, &ex); err != nil {
		return nil, fmt.Errorf("model %s: %w", st.Where(rel), err)
	}
	if ex.Model == nil || ex.Model.ModelID != md.ID {
		return nil, fmt.Errorf("model %s: the file holds another model", st.Where(rel))
	}
	sm, err := decodeScoring(ex)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", st.Where(rel), err)
	}
	out := &train.Output{Info: ex.Model, Model: sm, Threshold: math.NaN(), Profile: ex.Profile, Sources: ex.Sources}
	if ex.Threshold != nil {
		out.Threshold = float64(*ex.Threshold)
	}
	return out, nil
}

// decodeScoring rebuilds the scoring model from its saved JSON form, and
// checks that it is the same numbers as the saved body.
func decodeScoring(ex savedModel) (scoring.Model, error) {
	var m scoring.Model
	switch ex.Model.Algo {
	case "gbm":
		m = &scoring.GBM{}
	case "glm":
		m = &scoring.GLM{}
	default:
		return nil, fmt.Errorf("algorithm %q is not one this mlctl restores", ex.Model.Algo)
	}
	if err := json.Unmarshal(ex.Scoring, m); err != nil {
		return nil, fmt.Errorf("its scoring form: %w", err)
	}
	if err := scoring.Validate(m); err != nil {
		return nil, err
	}
	body, err := scoring.EncodeBody(m)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(body, ex.Body) {
		return nil, errors.New("its scoring form and its body hold different numbers")
	}
	return m, nil
}
