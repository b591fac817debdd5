package launcher

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/testcluster"
)

// runSaveJob runs a save or restore job to its end.
func runSaveJob(t *testing.T, c *api.Client, start func(context.Context) (*api.Job, error)) *api.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	j, err := start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if j, err = c.WaitJob(ctx, j.ID, nil); err != nil {
		t.Fatalf("%s: %v", j.Kind, err)
	}
	return j
}

// facts is what a user reads of a cluster: frames, their summaries, the
// models' descriptions and scoring forms.
func facts(t *testing.T, c *api.Client) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	fs, err := c.Frames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		s, err := c.Summary(ctx, f.Name)
		if err != nil {
			t.Fatal(err)
		}
		fj, _ := json.Marshal(f)
		sj, _ := json.Marshal(s)
		fmt.Fprintf(&b, "%s\n%s\n", fj, sj)
	}
	ms, err := c.Models(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		info, err := c.Model(ctx, m.ModelID)
		if err != nil {
			t.Fatal(err)
		}
		body, err := c.ModelBody(ctx, m.ModelID)
		if err != nil {
			t.Fatal(err)
		}
		ij, _ := json.Marshal(info)
		fmt.Fprintf(&b, "%s\n%s\n", ij, body)
	}
	return b.String()
}

func trainAndPredict(t *testing.T, c *api.Client, frame, target string) {
	t.Helper()
	runSaveJob(t, c, func(ctx context.Context) (*api.Job, error) {
		return c.Train(ctx, api.TrainRequest{Algo: "gbm", ModelID: "g", Frame: frame, Target: target, Seed: 3, GBM: &api.GBMParams{NTrees: 5, MaxDepth: 4}})
	})
	runSaveJob(t, c, func(ctx context.Context) (*api.Job, error) {
		return c.Predict(ctx, api.PredictRequest{Model: "g", Frame: frame, Name: "pred"})
	})
}

// Real engine processes on the local backend: a 2-node cluster's frames
// and model, saved into SaveDir, come back the same in a 3-node cluster
// (summaries, model, predictions); the save's size and the times are
// logged.
func TestLocalSaveRestoreRealProcesses(t *testing.T) {
	l := newLocal(t)
	csv := filepath.Join(t.TempDir(), "big.csv")
	writeBig(t, csv, 200000)
	ctx := context.Background()
	a := launch(t, l, "h4-a", 2)
	ca, err := l.Client(ctx, "h4-a")
	if err != nil {
		t.Fatal(err)
	}
	runSaveJob(t, ca, func(ctx context.Context) (*api.Job, error) {
		return ca.ImportFrame(ctx, api.ImportRequest{Paths: []string{csv}, Name: "big"})
	})
	trainAndPredict(t, ca, "big", "amount")
	want := facts(t, ca)
	dir := SaveDir(a)
	if dir != filepath.Join(l.Home, "clusters", "h4-a", "saves") {
		t.Errorf("SaveDir of a local record: %s", dir)
	}
	start := time.Now()
	j := runSaveJob(t, ca, func(ctx context.Context) (*api.Job, error) { return ca.Save(ctx, api.SaveRequest{Dir: dir}) })
	t.Logf("save of 2 nodes took %s: %s", time.Since(start).Round(time.Millisecond), j.Message)
	if err := l.Stop(ctx, "h4-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "current.json")); err != nil {
		t.Fatalf("no current.json after the save: %v", err)
	}

	launch(t, l, "h4-b", 3)
	cb, err := l.Client(ctx, "h4-b")
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	j = runSaveJob(t, cb, func(ctx context.Context) (*api.Job, error) { return cb.Restore(ctx, api.RestoreRequest{Dir: dir}) })
	t.Logf("restore into 3 nodes took %s: %s", time.Since(start).Round(time.Millisecond), j.Message)
	if got := facts(t, cb); got != want {
		t.Errorf("restored into 3 nodes, the cluster differs: %s", firstDiff(got, want))
	}
	// The restored model predicts as the saved one did.
	runSaveJob(t, cb, func(ctx context.Context) (*api.Job, error) {
		return cb.Predict(ctx, api.PredictRequest{Model: "g", Frame: "big", Name: "pred2"})
	})
	s1, _ := cb.Summary(ctx, "pred")
	s2, _ := cb.Summary(ctx, "pred2")
	j1, _ := json.Marshal(s1.Columns)
	j2, _ := json.Marshal(s2.Columns)
	if string(j1) != string(j2) {
		t.Errorf("predictions after the restore differ:\n%s\n%s", j2, j1)
	}
}

// On the secure test cluster: a 1-node YARN cluster saves into the user's
// HDFS home (SaveDir of its record), is stopped, and another 1-node YARN
// cluster restores the same frames and model from there.
func TestYARNSaveRestore(t *testing.T) {
	if os.Getenv("MLCTL_TESTCLUSTER") == "" {
		t.Skip("MLCTL_TESTCLUSTER is not set (the shared secure test cluster)")
	}
	tc := testcluster.Secure(t)
	y := newYARN(t, tc)
	ctx := context.Background()
	stamp := time.Now().UnixNano()
	input := fmt.Sprintf("/user/%s/h4-save-%d.csv", tc.User, stamp)
	putHDFS(t, y, input, csvRows(20000))
	names := []string{fmt.Sprintf("h4-y%d-a", stamp%100000), fmt.Sprintf("h4-y%d-b", stamp%100000)}
	t.Cleanup(func() {
		if err := y.setup(context.Background()); err == nil {
			y.web.Delete(context.Background(), input, false)
			for _, n := range names {
				y.web.Delete(context.Background(), "/user/"+tc.User+"/.mlctl/clusters/"+n+"/saves", true)
			}
		}
	})
	rec := launchYARN(t, y, Spec{Name: names[0], Backend: "yarn", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1})
	ca, err := y.Client(ctx, names[0])
	if err != nil {
		t.Fatal(err)
	}
	runSaveJob(t, ca, func(ctx context.Context) (*api.Job, error) {
		return ca.ImportFrame(ctx, api.ImportRequest{Paths: []string{"hdfs://" + input}, Name: "train"})
	})
	trainAndPredict(t, ca, "train", "x")
	want := facts(t, ca)
	dir := SaveDir(rec)
	if dir != "hdfs:///user/"+tc.User+"/.mlctl/clusters/"+names[0]+"/saves" {
		t.Errorf("SaveDir of a yarn record: %s", dir)
	}
	start := time.Now()
	j := runSaveJob(t, ca, func(ctx context.Context) (*api.Job, error) { return ca.Save(ctx, api.SaveRequest{Dir: dir}) })
	t.Logf("save on YARN took %s: %s to %s", time.Since(start).Round(time.Millisecond), j.Message, j.Result)
	if err := y.Stop(ctx, names[0]); err != nil {
		t.Fatal(err)
	}
	st, err := y.web.Stat(ctx, "/user/"+tc.User+"/.mlctl/clusters/"+names[0]+"/saves/current.json")
	if err != nil || st.Owner != tc.User || st.Permission != "600" {
		t.Fatalf("current.json on HDFS: %+v %v", st, err)
	}

	launchYARN(t, y, Spec{Name: names[1], Backend: "yarn", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1})
	cb, err := y.Client(ctx, names[1])
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	j = runSaveJob(t, cb, func(ctx context.Context) (*api.Job, error) { return cb.Restore(ctx, api.RestoreRequest{Dir: dir}) })
	t.Logf("restore on YARN took %s: %s", time.Since(start).Round(time.Millisecond), j.Message)
	if got := facts(t, cb); got != want {
		t.Errorf("restored on YARN, the cluster differs: %s", firstDiff(got, want))
	}
	if err := y.Stop(ctx, names[1]); err != nil {
		t.Fatal(err)
	}
}

// firstDiff shows where two texts part, with some context.
func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-150)
	return fmt.Sprintf("at byte %d:\n got ...%.300s\nwant ...%.300s", i, got[from:], want[from:])
}

// BenchmarkLocalSaveRestore measures a save of one frame from a real 2-node
// local cluster and its restore into another 2-node cluster:
// MLCTL_BENCH_ROWS rows (default 1,000,000) of five columns (numbers with
// NAs, two categoricals, a flag).
//
//	go test ./launcher -run '^$' -bench LocalSaveRestore -benchtime 3x
func BenchmarkLocalSaveRestore(b *testing.B) {
	rows := 1000000
	if v := os.Getenv("MLCTL_BENCH_ROWS"); v != "" {
		fmt.Sscan(v, &rows)
	}
	l := NewLocal(b.TempDir(), mlctlBin)
	ctx := context.Background()
	b.Cleanup(func() {
		recs, _ := l.List(context.Background())
		for _, r := range recs {
			l.Delete(context.Background(), r.Name)
		}
	})
	var csv strings.Builder
	csv.WriteString("id,amount,grade,city,flag\n")
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < rows; i++ {
		amount := strconv.FormatFloat(rng.NormFloat64()*1000, 'g', -1, 64)
		if i%25 == 0 {
			amount = "NA"
		}
		fmt.Fprintf(&csv, "%d,%s,%c,city%d,%d\n", i, amount, "ABCDEFG"[rng.IntN(7)], rng.IntN(300), rng.IntN(2))
	}
	path := filepath.Join(b.TempDir(), "big.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	run := func(c *api.Client, j *api.Job, err error) *api.Job {
		b.Helper()
		if err == nil {
			j, err = c.WaitJob(ctx, j.ID, nil)
		}
		if err != nil {
			b.Fatal(err)
		}
		return j
	}
	client := func(name string) *api.Client {
		b.Helper()
		if _, err := l.Launch(ctx, Spec{Name: name, Nodes: 2, MemoryBytes: 1 << 30}, true, nil); err != nil {
			b.Fatal(err)
		}
		c, err := l.Client(ctx, name)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	src := client("h4-bench-a")
	j, err := src.ImportFrame(ctx, api.ImportRequest{Paths: []string{path}, Name: "big"})
	run(src, j, err)
	fi, _ := src.Frame(ctx, "big")
	dir := filepath.Join(b.TempDir(), "saves")
	var saveTime, restoreTime time.Duration
	var size int64
	var last string
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		j, err := src.Save(ctx, api.SaveRequest{Dir: dir})
		sj := run(src, j, err)
		saveTime += time.Since(start)
		last = sj.Message
		fmt.Sscanf(sj.Message[strings.LastIndex(sj.Message, "(")+1:], "%d", &size)
		name := fmt.Sprintf("h4-bench-b%d", i)
		dst := client(name)
		start = time.Now()
		j, err = dst.Restore(ctx, api.RestoreRequest{Dir: dir})
		run(dst, j, err)
		restoreTime += time.Since(start)
		b.StopTimer()
		l.Delete(ctx, name)
		b.StartTimer()
	}
	b.ReportMetric(float64(saveTime.Milliseconds())/float64(b.N), "save-ms")
	b.ReportMetric(float64(restoreTime.Milliseconds())/float64(b.N), "restore-ms")
	b.ReportMetric(float64(size)/(1<<20), "save-MiB")
	b.ReportMetric(float64(fi.MemBytes)/(1<<20), "frame-mem-MiB")
	b.Logf("%d rows, %d chunks, %d bytes in memory; the save: %s", fi.Rows, fi.Chunks, fi.MemBytes, last)
}
