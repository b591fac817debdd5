package leader_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
	"github.com/mlctl/mlctl/engine/snapshot"
	"github.com/mlctl/mlctl/internal/errs"
)

func airline(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples", "data", "airline-sample.csv")
}

// runJob starts a save or restore and waits for it.
func runJob(t *testing.T, c *api.Client, start func(context.Context) (*api.Job, error)) (*api.Job, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	j, err := start(ctx)
	if err != nil {
		return nil, err
	}
	return c.WaitJob(ctx, j.ID, nil)
}

func save(t *testing.T, c *api.Client, dir string) *api.Job {
	t.Helper()
	j, err := runJob(t, c, func(ctx context.Context) (*api.Job, error) { return c.Save(ctx, api.SaveRequest{Dir: dir}) })
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	return j
}

func restore(t *testing.T, c *api.Client, dir string) (*api.Job, error) {
	t.Helper()
	return runJob(t, c, func(ctx context.Context) (*api.Job, error) { return c.Restore(ctx, api.RestoreRequest{Dir: dir}) })
}

// state is everything a user can read of a cluster: per frame its info,
// every cell's bits and its summary; per model its description, scoring
// form and export.
type state struct {
	frames map[string]string // name -> info, summary, cell bits
	models map[string]string
}

func stateOf(t *testing.T, c *proctest.Cloud) state {
	t.Helper()
	ctx := context.Background()
	st := state{frames: map[string]string{}, models: map[string]string{}}
	fs, err := c.Client.Frames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		cols, vals := c.FrameValues(t, f.Name)
		var b strings.Builder
		info, _ := json.Marshal(f)
		sum, err := c.Client.Summary(ctx, f.Name)
		if err != nil {
			t.Fatal(err)
		}
		sj, _ := json.Marshal(sum)
		cj, _ := json.Marshal(cols)
		fmt.Fprintf(&b, "%s\n%s\n%s\n", info, cj, sj)
		for _, col := range vals {
			for _, v := range col {
				fmt.Fprintf(&b, "%x,", math.Float64bits(v))
			}
			b.WriteByte('\n')
		}
		st.frames[f.Name] = b.String()
	}
	ms, err := c.Client.Models(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		info, err := c.Client.Model(ctx, m.ModelID)
		if err != nil {
			t.Fatal(err)
		}
		body, err := c.Client.ModelBody(ctx, m.ModelID)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := c.Client.ModelExport(ctx, m.ModelID)
		if err != nil {
			t.Fatalf("export of %s: %v", m.ModelID, err)
		}
		ij, _ := json.Marshal(info)
		ej, _ := json.Marshal(ex)
		st.models[m.ModelID] = fmt.Sprintf("%s\n%s\n%s", ij, body, ej)
	}
	return st
}

func compareStates(t *testing.T, what string, want, got state) {
	t.Helper()
	if len(got.frames) != len(want.frames) || len(got.models) != len(want.models) {
		t.Errorf("%s: %d frames and %d models, want %d and %d", what, len(got.frames), len(got.models), len(want.frames), len(want.models))
	}
	for name, w := range want.frames {
		if g, ok := got.frames[name]; !ok {
			t.Errorf("%s: frame %s missing", what, name)
		} else if g != w {
			t.Errorf("%s: frame %s differs:\n got %.400s\nwant %.400s", what, name, g, w)
		}
	}
	for id, w := range want.models {
		if g, ok := got.models[id]; !ok {
			t.Errorf("%s: model %s missing", what, id)
		} else if g != w {
			t.Errorf("%s: model %s differs:\n got %.400s\nwant %.400s", what, id, g, w)
		}
	}
}

func stop(c *proctest.Cloud) {
	for _, cancel := range c.Cancels {
		cancel()
	}
}

func predict(t *testing.T, c *api.Client, model, fr, name string) {
	t.Helper()
	j, err := runJob(t, c, func(ctx context.Context) (*api.Job, error) {
		return c.Predict(ctx, api.PredictRequest{Model: model, Frame: fr, Name: name})
	})
	if err != nil {
		t.Fatalf("predict %s on %s: %v (%+v)", model, fr, err, j)
	}
}

// Frames and models saved on 2 nodes come back bit-identical on 3 nodes
// and on 1: every cell, summary, model description, scoring form and
// export; a restored model predicts the same bits as before the save.
func TestSaveRestoreAcrossNodeCounts(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "saves")
	src := proctest.Start(t, 2, 16<<10)
	src.Import(t, api.ImportRequest{Paths: []string{airline(t)}, Name: "air"})
	if _, err := src.Client.Split(ctx, api.SplitRequest{Frame: "air", Ratios: []float64{0.75, 0.25}, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	src.Train(t, api.TrainRequest{Algo: "gbm", ModelID: "g", Frame: "air_0", Valid: "air_1", Target: "IsDelayed", Seed: 5,
		GBM: &api.GBMParams{NTrees: 8, MaxDepth: 4}}, 2*time.Minute)
	src.Train(t, api.TrainRequest{Algo: "glm", ModelID: "l", Frame: "air_0", Target: "Distance"}, 2*time.Minute)
	// Trees without categorical splits (no cats lists) come back as they were.
	src.Train(t, api.TrainRequest{Algo: "gbm", ModelID: "num", Frame: "air_0", Target: "Distance", Seed: 2,
		Ignore: []string{"Month", "DayofMonth", "DayOfWeek", "UniqueCarrier", "Origin", "Dest"}, GBM: &api.GBMParams{NTrees: 3, MaxDepth: 3}}, 2*time.Minute)
	predict(t, src.Client, "g", "air_1", "pred_g")
	want := stateOf(t, src)
	if len(want.frames) != 4 || len(want.models) != 3 {
		t.Fatalf("setup: %d frames, %d models", len(want.frames), len(want.models))
	}
	j := save(t, src.Client, dir)
	if !strings.HasPrefix(j.Result, dir+string(filepath.Separator)) || !strings.Contains(j.Message, "4 frames") || !strings.Contains(j.Message, "3 models") {
		t.Errorf("save job: result %q message %q", j.Result, j.Message)
	}
	checkSaveFiles(t, dir, j.Result)
	stop(src)

	for _, n := range []int{3, 1} {
		dst := proctest.Start(t, n, 16<<10)
		j, err := restore(t, dst.Client, dir)
		if err != nil {
			t.Fatalf("restore into %d nodes: %v", n, err)
		}
		if filepath.Dir(j.Result) != dir || !strings.Contains(j.Message, "4 frames") {
			t.Errorf("restore job: %+v", j)
		}
		compareStates(t, fmt.Sprintf("restored into %d nodes", n), want, stateOf(t, dst))
		// The restored model predicts the same bits as the saved predictions.
		predict(t, dst.Client, "g", "air_1", "pred_again")
		_, before := dst.FrameValues(t, "pred_g")
		_, after := dst.FrameValues(t, "pred_again")
		if fmt.Sprint(bitsOf(before)) != fmt.Sprint(bitsOf(after)) {
			t.Errorf("%d nodes: the restored model's predictions differ from the saved ones", n)
		}
		// A second restore of the same save is a conflict, not a duplicate.
		if _, err := restore(t, dst.Client, dir); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("restoring twice: %v", err)
		}
		stop(dst)
	}
}

func bitsOf(cols [][]float64) [][]uint64 {
	out := make([][]uint64, len(cols))
	for i, c := range cols {
		for _, v := range c {
			out[i] = append(out[i], math.Float64bits(v))
		}
	}
	return out
}

// checkSaveFiles reads a save as a user would find it on disk.
func checkSaveFiles(t *testing.T, dir, location string) {
	t.Helper()
	var cur snapshot.Current
	data, err := os.ReadFile(filepath.Join(dir, snapshot.CurrentFile))
	if err != nil || json.Unmarshal(data, &cur) != nil {
		t.Fatalf("current.json: %v %s", err, data)
	}
	if filepath.Join(dir, cur.Save) != location {
		t.Errorf("current.json points at %s, the job saved %s", cur.Save, location)
	}
	mdata, err := os.ReadFile(filepath.Join(location, snapshot.ManifestFile))
	if err != nil || snapshot.Sum(mdata) != cur.ManifestSHA256 {
		t.Fatalf("manifest: %v, sum mismatch", err)
	}
	var m snapshot.Manifest
	if err := json.Unmarshal(mdata, &m); err != nil || m.Check() != nil || m.Nodes == 0 {
		t.Fatalf("manifest: %v %v", err, m.Check())
	}
	var total int64
	for _, f := range m.Frames {
		for _, c := range f.Chunks {
			b, err := os.ReadFile(filepath.Join(location, filepath.FromSlash(c.File)))
			if err != nil || snapshot.Verify(c.File, b, c.Size, c.SHA256) != nil {
				t.Errorf("chunk file %s: %v", c.File, err)
			}
			total += c.Size
		}
	}
	for _, md := range m.Models {
		total += md.Size
	}
	if total != m.Bytes {
		t.Errorf("manifest bytes %d, files %d", m.Bytes, total)
	}
	st, err := os.Stat(filepath.Join(dir, snapshot.CurrentFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("current.json mode: %v %v", st.Mode(), err)
	}
}

// A save that fails part-way (a write refused after some chunks) leaves
// current.json on the previous save, removes what it wrote, and a restore
// gives the previous state. The next save that succeeds keeps only itself
// and the one before.
func TestInterruptedSaveKeepsPrevious(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "saves")
	src := proctest.Start(t, 2, 16<<10)
	src.Import(t, api.ImportRequest{Paths: []string{airline(t)}, Name: "air"})
	want := stateOf(t, src)
	first := save(t, src.Client, dir)
	cur0, _ := os.ReadFile(filepath.Join(dir, snapshot.CurrentFile))

	// More data, then a save whose fourth chunk write fails.
	if _, err := src.Client.Split(ctx, api.SplitRequest{Frame: "air", Ratios: []float64{0.5, 0.5}, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	var writes atomic.Int32
	snapshot.BeforeWrite = func(rel string) error {
		if strings.HasSuffix(rel, ".chunk") && writes.Add(1) > 3 {
			return errors.New("disk full (injected)")
		}
		return nil
	}
	j, err := runJob(t, src.Client, func(ctx context.Context) (*api.Job, error) { return src.Client.Save(ctx, api.SaveRequest{Dir: dir}) })
	snapshot.BeforeWrite = nil
	if err == nil || !strings.Contains(j.Error, "disk full (injected)") || !strings.Contains(j.Error, "previous save") || !strings.Contains(j.Error, "is intact") {
		t.Fatalf("interrupted save: %v %+v", err, j)
	}
	if cur, _ := os.ReadFile(filepath.Join(dir, snapshot.CurrentFile)); !bytes.Equal(cur, cur0) {
		t.Errorf("current.json changed by a failed save:\n%s\nwas\n%s", cur, cur0)
	}
	if names := saveDirs(t, dir); len(names) != 1 || filepath.Join(dir, names[0]) != first.Result {
		t.Errorf("save directories after the failed save: %v (first %s)", names, first.Result)
	}
	dst := proctest.Start(t, 1, 16<<10)
	if _, err := restore(t, dst.Client, dir); err != nil {
		t.Fatal(err)
	}
	compareStates(t, "after an interrupted save", want, stateOf(t, dst))

	// Two good saves: the first is pruned, the second stays as the previous.
	second := save(t, src.Client, dir)
	third := save(t, src.Client, dir)
	names := saveDirs(t, dir)
	if len(names) != 2 || filepath.Join(dir, names[0]) != second.Result || filepath.Join(dir, names[1]) != third.Result {
		t.Errorf("after three saves: %v, want %s and %s", names, second.Result, third.Result)
	}

	// Writing current.json fails: the complete save stays (on HDFS the
	// pointer may already name it), current.json is as it was.
	cur1, _ := os.ReadFile(filepath.Join(dir, snapshot.CurrentFile))
	snapshot.BeforeWrite = func(rel string) error {
		if rel == snapshot.CurrentFile {
			return errors.New("quota exceeded (injected)")
		}
		return nil
	}
	j, err = runJob(t, src.Client, func(ctx context.Context) (*api.Job, error) { return src.Client.Save(ctx, api.SaveRequest{Dir: dir}) })
	snapshot.BeforeWrite = nil
	if err == nil || !strings.Contains(j.Error, "is complete") || !strings.Contains(j.Error, "quota exceeded") {
		t.Errorf("failed pointer update: %v %+v", err, j)
	}
	if cur, _ := os.ReadFile(filepath.Join(dir, snapshot.CurrentFile)); !bytes.Equal(cur, cur1) || len(saveDirs(t, dir)) != 3 {
		t.Errorf("after a failed pointer update: current.json %s, saves %v", cur, saveDirs(t, dir))
	}

	// A damaged current.json is replaced, and no older save is removed
	// (one of them may be the one the user wants back).
	os.WriteFile(filepath.Join(dir, snapshot.CurrentFile), []byte("{garbage"), 0o600)
	save(t, src.Client, dir)
	if n := len(saveDirs(t, dir)); n != 4 {
		t.Errorf("a save over a damaged current.json left %d saves, want all 4", n)
	}
	if _, err := restore(t, proctest.Start(t, 1, 0).Client, dir); err != nil {
		t.Errorf("restore after replacing a damaged current.json: %v", err)
	}
}

func saveDirs(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if snapshot.IsSaveName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

// A flipped byte in a chunk file is refused on restore with an integrity
// error (exit 7) naming the file, and nothing is restored; a saves
// directory without a save is a not-found.
func TestRestoreRefusesDamage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "saves")
	src := proctest.Start(t, 2, 16<<10)
	src.Import(t, api.ImportRequest{Paths: []string{airline(t)}, Name: "air"})
	src.Train(t, api.TrainRequest{Algo: "gbm", ModelID: "g", Frame: "air", Target: "IsDelayed", GBM: &api.GBMParams{NTrees: 2, MaxDepth: 2}}, time.Minute)
	j := save(t, src.Client, dir)
	j0 := j
	victim := filepath.Join(j.Result, "frames", "air", "000001.chunk")
	data, err := os.ReadFile(victim)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x10
	if err := os.WriteFile(victim, data, 0o600); err != nil {
		t.Fatal(err)
	}
	dst := proctest.Start(t, 2, 0)
	_, err = restore(t, dst.Client, dir)
	err = api.SaveJobError(err)
	if errs.Code(err) != errs.Integrity || !strings.Contains(err.Error(), victim) || !strings.Contains(err.Error(), api.IntegrityText) {
		t.Fatalf("damaged chunk: exit %d, %v", errs.Code(err), err)
	}
	ctx := context.Background()
	if fs, _ := dst.Client.Frames(ctx); len(fs) != 0 {
		t.Errorf("a refused restore left frames: %+v", fs)
	}
	if ms, _ := dst.Client.Models(ctx); len(ms) != 0 {
		t.Errorf("a refused restore left models: %+v", ms)
	}

	// A save that cannot fit in the nodes' memory limit is refused before
	// anything is loaded.
	old := debug.SetMemoryLimit(4 << 10)
	waitLimit(t, dst, 4<<10) // until the heartbeats report it
	_, err = restore(t, dst.Client, dir)
	debug.SetMemoryLimit(old)
	if err == nil || !strings.Contains(err.Error(), "does not fit") || !strings.Contains(err.Error(), "more nodes or more memory") {
		t.Errorf("restore over the memory limit: %v", err)
	}

	// The empty cluster's save writes nothing and keeps the current save.
	cur0, _ := os.ReadFile(filepath.Join(dir, snapshot.CurrentFile))
	if j := save(t, dst.Client, dir); j.Result != "" || !strings.Contains(j.Message, "no frames or models") || !strings.Contains(j.Message, filepath.Base(j0.Result)) {
		t.Errorf("save of an empty cluster: %+v", j)
	}
	if cur, _ := os.ReadFile(filepath.Join(dir, snapshot.CurrentFile)); !bytes.Equal(cur, cur0) || len(saveDirs(t, dir)) != 1 {
		t.Errorf("the save of an empty cluster changed the saves: %s %v", cur, saveDirs(t, dir))
	}

	// A damaged manifest is refused the same way.
	mpath := filepath.Join(j.Result, snapshot.ManifestFile)
	m, _ := os.ReadFile(mpath)
	os.WriteFile(mpath, bytes.Replace(m, []byte(`"air"`), []byte(`"aix"`), 1), 0o600)
	if _, err := restore(t, dst.Client, dir); errs.Code(api.SaveJobError(err)) != errs.Integrity || !strings.Contains(err.Error(), mpath) {
		t.Errorf("damaged manifest: %v", err)
	}

	empty := filepath.Join(t.TempDir(), "none")
	_, err = restore(t, dst.Client, empty)
	if err = api.SaveJobError(err); errs.Code(err) != errs.NotFound || !strings.Contains(err.Error(), empty) {
		t.Errorf("no save: exit %d, %v", errs.Code(err), err)
	}
	if _, err := dst.Client.Restore(ctx, api.RestoreRequest{Dir: "relative/saves"}); errs.Code(err) != errs.Error || !strings.Contains(err.Error(), "absolute") {
		t.Errorf("relative dir: %v", err)
	}
	if _, err := dst.Client.Save(ctx, api.SaveRequest{Dir: "hdfs:///user/x/saves"}); err == nil || !strings.Contains(err.Error(), "YARN") {
		t.Errorf("hdfs dir on a cloud without HDFS: %v", err)
	}
}

// waitLimit waits until every node reports the memory limit.
func waitLimit(t *testing.T, c *proctest.Cloud, limit int64) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		st, err := c.Client.Cloud(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		all := true
		for _, n := range st.Nodes {
			all = all && n.MemLimit == limit
		}
		if all {
			return
		}
	}
	t.Fatalf("the nodes did not report the memory limit %d", limit)
}
