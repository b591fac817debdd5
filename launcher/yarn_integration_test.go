package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/testcluster"
	"github.com/mlctl/mlctl/yarn"
)

// newYARN is the yarn backend as a user at the gateway has it: HADOOP_CONF_DIR
// set and a ticket from kinit (secure clusters).
func newYARN(t *testing.T, tc *testcluster.Info) *YARN {
	t.Helper()
	if tc.Secure {
		tc.Kinit(t)
	} else {
		t.Setenv("HADOOP_USER_NAME", tc.User)
	}
	t.Setenv("HADOOP_CONF_DIR", tc.ConfDir)
	y := NewYARN(t.TempDir(), mlctlBin)
	if tc.HTTPPolicy == "HTTPS_ONLY" {
		y.HDFSCA = tc.CAPEM
	}
	t.Cleanup(func() {
		recs, _ := y.List(context.Background())
		for _, r := range recs {
			y.Delete(context.Background(), r.Name)
		}
	})
	return y
}

func putHDFS(t *testing.T, y *YARN, path string, data []byte) {
	t.Helper()
	ctx := context.Background()
	if err := y.setup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := y.web.WriteFileAtomic(ctx, path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func csvRows(n int) []byte {
	var b strings.Builder
	b.WriteString("id,grp,x\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%d,g%d,%d.25\n", i, i%13, i%1000)
	}
	return []byte(b.String())
}

// trainOnYARN trains a small GBM on the YARN cloud's frame and checks it is
// the same model, to the bit, as a 1-node cloud in this process makes of
// the same file; then predicts with it.
func trainOnYARN(t *testing.T, c *api.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req := api.TrainRequest{Algo: "gbm", ModelID: "g", Frame: "train", Target: "x", Seed: 5,
		GBM: &api.GBMParams{NTrees: 5, MaxDepth: 4, SampleRate: 0.7}}
	j, err := c.Train(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if j, err = c.WaitJob(ctx, j.ID, nil); err != nil {
		t.Fatalf("training on YARN: %v", err)
	}
	onYARN, err := c.ModelBody(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "it.csv")
	if err := os.WriteFile(path, csvRows(20000), 0o644); err != nil {
		t.Fatal(err)
	}
	local := proctest.Start(t, 1, 0)
	local.Import(t, api.ImportRequest{Paths: []string{path}, Name: "train"})
	_, here := local.TrainBody(t, req, time.Minute)
	if !bytes.Equal(onYARN, here) {
		t.Errorf("the GBM trained on YARN (2 nodes) differs from the one trained here (1 node): %d vs %d bytes", len(onYARN), len(here))
	}
	pj, err := c.Predict(ctx, api.PredictRequest{Model: "g", Frame: "train", Name: "pred"})
	if err != nil {
		t.Fatal(err)
	}
	if pj, err = c.WaitJob(ctx, pj.ID, nil); err != nil {
		t.Fatal(err)
	}
	if fi, err := c.Frame(ctx, "pred"); err != nil || fi.Rows != 20000 || fi.Columns != 1 {
		t.Fatalf("prediction frame %+v %v", fi, err)
	}
}

func launchYARN(t *testing.T, y *YARN, spec Spec) *Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	rec, err := y.Launch(ctx, spec, true, nil)
	if err != nil {
		t.Fatalf("launch: %v", err)
	}
	t.Logf("%d-node cloud on YARN formed in %s (%s)", spec.Nodes, time.Since(start).Round(time.Millisecond), rec.AppID)
	return rec
}

// The user's path: kinit, launch on YARN, import from HDFS, summary, stop;
// nothing left running afterwards.
func testLaunchImportStop(t *testing.T, tc *testcluster.Info) {
	y := newYARN(t, tc)
	putHDFS(t, y, "/user/"+tc.User+"/it.csv", csvRows(20000))
	rec := launchYARN(t, y, Spec{Name: "it", Backend: "yarn", Nodes: 2, MemoryBytes: 256 << 20, VCores: 1})
	ctx := context.Background()
	c, err := y.Client(ctx, "it")
	if err != nil {
		t.Fatal(err)
	}
	j, err := c.ImportFrame(ctx, api.ImportRequest{Paths: []string{"hdfs:///user/" + tc.User + "/it.csv"}, Name: "train"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitJob(ctx, j.ID, nil); err != nil {
		t.Fatal(err)
	}
	// Another file system's URL is refused, not read from the default one.
	elsewhere := "hdfs://elsewhere.invalid:8020/user/" + tc.User + "/it.csv"
	if j, err := c.ImportFrame(ctx, api.ImportRequest{Paths: []string{elsewhere}, Name: "elsewhere"}); err == nil {
		_, err = c.WaitJob(ctx, j.ID, nil)
		if err == nil || !strings.Contains(err.Error(), "another file system") {
			t.Errorf("import of %s: %v", elsewhere, err)
		}
	} else if !strings.Contains(err.Error(), "another file system") {
		t.Errorf("import of %s: %v", elsewhere, err)
	}
	s, err := c.Summary(ctx, "train")
	if err != nil {
		t.Fatal(err)
	}
	if s.Rows != 20000 || *s.Columns[1].Cardinality != 13 || *s.Columns[0].Max != 19999 {
		t.Fatalf("summary %+v", s)
	}
	trainOnYARN(t, c)
	// The AM wrote the cluster record to the user's HDFS home, owner-only.
	st, err := y.web.Stat(ctx, y.recordPath("it"))
	for wait := time.Now(); err != nil && time.Since(wait) < 5*time.Second; st, err = y.web.Stat(ctx, y.recordPath("it")) {
		time.Sleep(100 * time.Millisecond) // the AM writes it as the leader is published
	}
	if err != nil || st.Permission != "600" || st.Owner != tc.User {
		t.Fatalf("cluster record on HDFS: %+v %v", st, err)
	}
	rec, err = y.Get(ctx, "it")
	if err != nil || rec.AM == "" {
		t.Fatalf("record %+v %v", rec, err)
	}
	if err := y.Stop(ctx, "it"); err != nil {
		t.Fatal(err)
	}
	app, err := y.rest.Apps().Get(ctx, rec.AppID)
	if err != nil {
		t.Fatal(err)
	}
	if app.State != yarn.StateFinished || app.FinalStatus != "SUCCEEDED" {
		t.Fatalf("after stop the app is %s/%s: %s", app.State, app.FinalStatus, app.Diagnostics)
	}
	live, err := y.rest.Apps().List(ctx, ListLive("it"))
	if err != nil || len(live) != 0 {
		t.Fatalf("live apps after stop: %v %v", live, err)
	}
	// The NodeManager runs here: no node of this cluster may still run.
	deadline := time.Now().Add(5 * time.Second)
	for nodesRunning(rec.AM) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d node processes of %s still run after stop", nodesRunning(rec.AM), rec.AppID)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// nodesRunning counts processes started with --rendezvous am.
func nodesRunning(am string) int {
	n := 0
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		b, err := os.ReadFile("/proc/" + p.Name() + "/cmdline")
		if err == nil && strings.Contains(string(b), "--rendezvous\x00"+am+"\x00") {
			n++
		}
	}
	return n
}

// ListLive lists the live applications of a cluster name.
func ListLive(name string) yarn.ListOptions {
	return yarn.ListOptions{Tags: []string{"mlctl-cluster-" + name}, States: []string{"NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED", "RUNNING"}}
}

func TestYARNLaunchImportStop(t *testing.T) { testLaunchImportStop(t, testcluster.Secure(t)) }

func TestYARNInsecureLaunchImportStop(t *testing.T) { testLaunchImportStop(t, testcluster.Insecure(t)) }

func TestYARNExpiredTicketAndOverMaxAllocation(t *testing.T) {
	tc := testcluster.Secure(t)
	y := newYARN(t, tc)
	y.Krb.Now = func() time.Time { return time.Now().Add(72 * time.Hour) } // the ticket has expired by then
	_, err := y.Launch(context.Background(), Spec{Name: "late", Backend: "yarn", Nodes: 1, MemoryBytes: 256 << 20}, true, nil)
	if errs.Code(err) != errs.Auth || !strings.Contains(errs.Hint(err), "kinit") {
		t.Fatalf("expired ticket: code %d, err %v, hint %q", errs.Code(err), err, errs.Hint(err))
	}

	y = newYARN(t, tc)
	_, err = y.Launch(context.Background(), Spec{Name: "huge", Backend: "yarn", Nodes: 2, MemoryBytes: 64 << 30}, true, nil)
	if err == nil || !strings.Contains(err.Error(), "maximum-allocation-mb") {
		t.Fatalf("over the maximum allocation: %v", err)
	}
	if _, err := os.Stat(y.dir("huge")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a record was left for a refused launch: %v", err)
	}
	live, err := y.rest.Apps().List(context.Background(), ListLive("huge"))
	if err != nil || len(live) != 0 {
		t.Fatalf("an application was submitted for a refused launch: %v %v", live, err)
	}
}

// A killed node container: the cloud reports the node lost within 10 s and
// the running job fails naming it.
func TestYARNLostNode(t *testing.T) {
	tc := testcluster.Secure(t)
	y := newYARN(t, tc)
	putHDFS(t, y, "/user/"+tc.User+"/big.csv", csvRows(600000))
	launchYARN(t, y, Spec{Name: "lossy", Backend: "yarn", Nodes: 2, MemoryBytes: 256 << 20, VCores: 1})
	ctx := context.Background()
	c, err := y.Client(ctx, "lossy")
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Cloud(ctx)
	if err != nil {
		t.Fatal(err)
	}
	j, err := c.ImportFrame(ctx, api.ImportRequest{Paths: []string{"hdfs:///user/" + tc.User + "/big.csv"}, Name: "train"})
	if err != nil {
		t.Fatal(err)
	}
	// The NodeManager runs on this machine: kill node 1's process as a
	// failing host would.
	syscall.Kill(st.Nodes[1].PID, syscall.SIGKILL)
	killed := time.Now()
	_, err = c.WaitJob(ctx, j.ID, nil)
	if err == nil || !strings.Contains(err.Error(), "node 1") {
		t.Fatalf("import after a lost node: %v", err)
	}
	for {
		st, err := c.Cloud(ctx)
		if err != nil {
			break // the application already ended: checked below
		}
		if !st.Healthy && strings.Contains(st.Problem, "node 1") {
			t.Logf("lost node reported %s after the kill", time.Since(killed).Round(time.Millisecond))
			break
		}
		if time.Since(killed) > 10*time.Second {
			t.Fatalf("lost node not reported within 10s: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The AM ends the application, FAILED with the node named, instead of
	// holding the other containers.
	for {
		rec, err := y.Get(ctx, "lossy")
		if err != nil {
			t.Fatal(err)
		}
		if Ended(rec.State) {
			if rec.State != StateFailed || !strings.Contains(rec.YARNState, "FAILED") || !strings.Contains(rec.Diagnostics, "node 1") {
				t.Fatalf("ended as %s (%s): %q, want FAILED naming node 1", rec.State, rec.YARNState, rec.Diagnostics)
			}
			t.Logf("application ended %s after the kill: %s", time.Since(killed).Round(time.Millisecond), rec.Diagnostics)
			// The AM unregistered FAILED: YARN, which allows 2 attempts,
			// does not retry a failure the AM recognised.
			if attempts, err := y.rest.Apps().Attempts(ctx, rec.AppID); err != nil || len(attempts) != 1 {
				t.Fatalf("attempts after the lost node: %+v %v, want 1", attempts, err)
			}
			break
		}
		if time.Since(killed) > 30*time.Second {
			t.Fatalf("the application still runs 30s after losing a node: %+v", rec)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// A lifetime shorter than the test: the RM ends the application and the
// record says why.
func TestYARNLifetime(t *testing.T) {
	tc := testcluster.Secure(t)
	y := newYARN(t, tc)
	launchYARN(t, y, Spec{Name: "brief", Backend: "yarn", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1, MaxUptime: 8 * time.Second})
	deadline := time.Now().Add(60 * time.Second)
	for {
		rec, err := y.Get(context.Background(), "brief")
		if err != nil {
			t.Fatal(err)
		}
		if Ended(rec.State) {
			if rec.State != StateExpired || !strings.Contains(strings.ToLower(rec.Diagnostics), "lifetime") {
				t.Fatalf("ended %s, diagnostics %q do not say why", rec.State, rec.Diagnostics)
			}
			t.Logf("ended: %s", rec.Diagnostics)
			// The application ended before any stop: delete still removes
			// the HDFS record (it holds the token) and its directory.
			if err := y.Delete(context.Background(), "brief"); err != nil {
				t.Fatal(err)
			}
			if _, err := y.web.Stat(context.Background(), path.Dir(y.recordPath("brief"))); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("the cluster's HDFS directory is left after delete: %v", err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the RM did not end the application at its lifetime")
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// After kdestroy every command on a YARN cluster is an authentication
// failure (exit 4) with the fix, never "no such cluster": the cluster is
// still there holding resources, and stop must work again after kinit.
func TestYARNNoTicketIsAuthNotNotFound(t *testing.T) {
	tc := testcluster.Secure(t)
	y := newYARN(t, tc)
	launchYARN(t, y, Spec{Name: "kd", Backend: "yarn", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1})
	cc := os.Getenv("KRB5CCNAME")
	if err := os.Remove(strings.TrimPrefix(cc, "FILE:")); err != nil {
		t.Fatal(err) // kdestroy
	}
	fresh := NewYARN(y.Home, mlctlBin) // a new mlctl run: no login cached in memory
	fresh.HDFSCA = y.HDFSCA
	ctx := context.Background()
	_, err := fresh.Get(ctx, "kd")
	for _, e := range []error{err, fresh.Stop(ctx, "kd")} {
		if errs.Code(e) != errs.Auth || !strings.Contains(errs.Hint(e), "kinit") {
			t.Errorf("without a ticket: code %d, %v, hint %q; want 4 with kinit", errs.Code(e), e, errs.Hint(e))
		}
		if errors.Is(e, fs.ErrNotExist) && errs.Code(e) != errs.Auth {
			t.Errorf("%v reads as not found", e) // cmdutil.ClusterError would say "no cluster named"
		}
	}
	tc.Kinit(t)
	if err := NewYARN(y.Home, mlctlBin).Stop(ctx, "kd"); err != nil {
		t.Fatalf("stop after kinit: %v", err)
	}
}
