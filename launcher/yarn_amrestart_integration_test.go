package launcher

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/testcluster"
	"github.com/mlctl/mlctl/launcher/am"
	"github.com/mlctl/mlctl/yarn"
)

// amProcess finds the AM of appID on this machine (the NodeManager runs
// here): `mlctl engine am` whose CONTAINER_ID belongs to the application.
func amProcess(t *testing.T, appID string) int {
	t.Helper()
	app := strings.TrimPrefix(appID, "application") + "_" // _<cluster ts>_<id>_
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		cmd, err := os.ReadFile("/proc/" + p.Name() + "/cmdline")
		if err != nil || !strings.Contains(string(cmd), "mlctl\x00engine\x00am\x00") {
			continue
		}
		env, err := os.ReadFile("/proc/" + p.Name() + "/environ")
		if err != nil {
			continue
		}
		for _, kv := range strings.Split(string(env), "\x00") {
			if id, ok := strings.CutPrefix(kv, "CONTAINER_ID="); ok && strings.Contains(id, app) {
				pid, _ := strconv.Atoi(p.Name())
				return pid
			}
		}
	}
	return 0
}

// uniqueName is a cluster name no concurrent run of these tests uses: the
// HDFS record lives at a path named by the cluster, and another run's stop
// of a same-named cluster would delete the record a restarted AM adopts
// from.
func uniqueName(base string) string { return fmt.Sprintf("%s-%d", base, os.Getpid()) }

// killAM signals the application's AM: SIGKILL as a crash or the OOM
// killer would, SIGTERM as the NodeManager does to a container over its
// memory.
func killAM(t *testing.T, appID string, sig syscall.Signal) time.Time {
	t.Helper()
	pid := amProcess(t, appID)
	if pid <= 0 {
		t.Fatalf("no `mlctl engine am` process of %s on this machine", appID)
	}
	if err := syscall.Kill(pid, sig); err != nil {
		t.Fatal(err)
	}
	return time.Now()
}

// awaitAttempt waits until attempt n of the cluster's application has
// registered and says, at the address YARN now reports, that it took over
// adopted nodes. It returns that status and the time it took.
func awaitAttempt(t *testing.T, y *YARN, rec *Record, n string, adopted int, since time.Time) (*am.Status, time.Duration) {
	t.Helper()
	ctx := context.Background()
	for {
		app, err := y.rest.Apps().Get(ctx, rec.AppID)
		if err != nil {
			t.Fatal(err)
		}
		if yarn.Terminal(app.State) {
			t.Fatalf("the application ended %s/%s while waiting for attempt %s: %s", app.State, app.FinalStatus, n, app.Diagnostics)
		}
		if app.State == yarn.StateRunning && app.AMRPCAddress != "" {
			r := *rec
			r.AM = app.AMRPCAddress
			// The AM serves its status from before it registers; it knows
			// the leader once it took over (or a fresh cloud formed).
			if st, err := y.amStatus(ctx, &r); err == nil && strings.HasSuffix(st.Attempt, "_"+n) && st.Leader != "" {
				if st.Adopted != adopted || st.Leader != rec.Leader {
					t.Fatalf("attempt %s adopted %d nodes (want %d), leader %q (want %q): %+v", n, st.Adopted, adopted, st.Leader, rec.Leader, st)
				}
				return st, time.Since(since)
			}
		}
		if time.Since(since) > 90*time.Second {
			t.Fatalf("attempt %s has not registered 90s after the AM was killed (YARN: %s)", n, app.State)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// hdfsRecord reads the cluster record the AM keeps on HDFS.
func hdfsRecord(y *YARN, name string) (*am.Record, error) {
	rc, err := y.web.Open(context.Background(), y.recordPath(name), 0, -1)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	var r am.Record
	return &r, json.Unmarshal(b, &r)
}

// awaitRecord waits for the HDFS record written by attempt n (the AM writes
// it once the cloud formed or was adopted).
func awaitRecord(t *testing.T, y *YARN, name, n string) *am.Record {
	t.Helper()
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		r, err := hdfsRecord(y, name)
		if err == nil && strings.HasSuffix(r.Attempt, "_"+n) {
			return r
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("no HDFS record written by attempt %s: %+v, %v", n, r, err)
		}
	}
}

func importFrame(t *testing.T, c *api.Client, file, name string) {
	t.Helper()
	ctx := context.Background()
	j, err := c.ImportFrame(ctx, api.ImportRequest{Paths: []string{file}, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitJob(ctx, j.ID, nil); err != nil {
		t.Fatalf("import of %s: %v", name, err)
	}
}

func checkFrame(t *testing.T, c *api.Client, name string, rows int64) {
	t.Helper()
	s, err := c.Summary(context.Background(), name)
	if err != nil {
		t.Fatalf("summary of %s: %v", name, err)
	}
	if s.Rows != rows || *s.Columns[1].Cardinality != 13 {
		t.Fatalf("summary of %s: %d rows, want %d: %+v", name, s.Rows, rows, s)
	}
}

// One AM crash must not lose the cluster: SIGKILL the AM of a 2-node
// cloud holding a frame; YARN starts attempt 2, which adopts both nodes at
// a new address; the frame is still there and a new import works. A second
// crash past the failure window is survived the same way (attempt 3);
// then stop ends the application SUCCEEDED with nothing left running.
func TestYARNAMRestartKeepsTheCloud(t *testing.T) {
	tc := testcluster.Secure(t)
	window := amAttemptWindow
	amAttemptWindow = 20 * time.Second
	t.Cleanup(func() { amAttemptWindow = window })
	y := newYARN(t, tc)
	file := "hdfs:///user/" + tc.User + "/restart.csv"
	putHDFS(t, y, "/user/"+tc.User+"/restart.csv", csvRows(20000))
	name := uniqueName("phoenix")
	rec := launchYARN(t, y, Spec{Name: name, Backend: "yarn", Nodes: 2, MemoryBytes: 256 << 20, VCores: 1})
	ctx := context.Background()
	c, err := y.Client(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	importFrame(t, c, file, "train")
	checkFrame(t, c, "train", 20000)
	r1 := awaitRecord(t, y, name, "000001")
	if len(r1.Containers) != 2 || len(r1.Members) != 2 || r1.Leader != rec.Leader {
		t.Fatalf("attempt 1's record %+v", r1)
	}
	rec, err = y.Get(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	firstAM := rec.AM // the nodes were started with --rendezvous firstAM

	killed := killAM(t, rec.AppID, syscall.SIGKILL)
	// The cloud does not need its AM: the frame answers meanwhile.
	checkFrame(t, c, "train", 20000)
	st, took := awaitAttempt(t, y, rec, "000002", 2, killed)
	t.Logf("AM SIGKILLed; attempt 2 registered and adopted both nodes %s later", took.Round(time.Millisecond))
	first := map[int]string{}
	for _, rc := range r1.Containers {
		first[rc.Index] = rc.ID
	}
	for i, ci := range st.Containers {
		if ci.Index != i || ci.State != "running" || ci.ID != first[i] {
			t.Errorf("attempt 2's node %d: %+v, want attempt 1's container %s running", i, ci, first[i])
		}
	}

	// The gateway follows the new AM through the app report; the leader,
	// the frame and the nodes are the same ones.
	rec, err = y.Get(ctx, name)
	if err != nil || rec.State != StateRunning || rec.AM == firstAM || rec.AM == "" {
		t.Fatalf("after the restart: %+v, %v (first AM %s)", rec, err, firstAM)
	}
	if n := nodesRunning(firstAM); n != 2 {
		t.Fatalf("%d node processes started by attempt 1 run, want 2", n)
	}
	if c, err = y.Client(ctx, name); err != nil {
		t.Fatal(err)
	}
	checkFrame(t, c, "train", 20000)
	importFrame(t, c, file, "train2")
	checkFrame(t, c, "train2", 20000)
	if frames, err := c.Frames(ctx); err != nil || len(frames) != 2 {
		t.Fatalf("frames after the restart: %+v %v", frames, err)
	}
	r2 := awaitRecord(t, y, name, "000002")
	if r2.AM != rec.AM || r2.Leader != rec.Leader || len(r2.Containers) != 2 || !r2.CreatedAt.Equal(r1.CreatedAt) {
		t.Fatalf("attempt 2's record %+v, attempt 1's %+v", r2, r1)
	}

	// A failure outside the window does not count: past it, a second
	// failure gets attempt 3, which adopts from attempt 2's record. This
	// one is a SIGTERM, as the NodeManager sends a container over its
	// memory: the AM must leave without unregistering, or the application
	// would end.
	time.Sleep(time.Until(killed.Add(amAttemptWindow + 5*time.Second)))
	killed = killAM(t, rec.AppID, syscall.SIGTERM)
	_, took = awaitAttempt(t, y, rec, "000003", 2, killed)
	t.Logf("attempt 2's AM SIGTERMed past the failure window; attempt 3 adopted both nodes %s later", took.Round(time.Millisecond))
	checkFrame(t, c, "train", 20000)
	checkFrame(t, c, "train2", 20000)

	if err := y.Stop(ctx, name); err != nil {
		t.Fatal(err)
	}
	app, err := y.rest.Apps().Get(ctx, rec.AppID)
	if err != nil {
		t.Fatal(err)
	}
	if app.State != yarn.StateFinished || app.FinalStatus != "SUCCEEDED" {
		t.Fatalf("after stop the app is %s/%s: %s", app.State, app.FinalStatus, app.Diagnostics)
	}
	if live, err := y.rest.Apps().List(ctx, ListLive(name)); err != nil || len(live) != 0 {
		t.Fatalf("live apps after stop: %v %v", live, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for nodesRunning(firstAM) > 0 || amProcess(t, rec.AppID) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after stop %d nodes and AM pid %d of %s still run", nodesRunning(firstAM), amProcess(t, rec.AppID), rec.AppID)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A node lost after an AM restart still ends the application FAILED
// naming it, and YARN starts no further attempt for a failure the AM
// recognised.
func TestYARNAMRestartThenLostNode(t *testing.T) {
	tc := testcluster.Secure(t)
	y := newYARN(t, tc)
	name := uniqueName("phoenix-lossy")
	rec := launchYARN(t, y, Spec{Name: name, Backend: "yarn", Nodes: 2, MemoryBytes: 256 << 20, VCores: 1})
	ctx := context.Background()
	awaitRecord(t, y, name, "000001")
	awaitAttempt(t, y, rec, "000002", 2, killAM(t, rec.AppID, syscall.SIGKILL))
	c, err := y.Client(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := c.Cloud(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Nodes) != 2 || cs.Nodes[1].PID <= 0 {
		t.Fatalf("cloud %+v", cs)
	}
	syscall.Kill(cs.Nodes[1].PID, syscall.SIGKILL)
	killed := time.Now()
	for {
		rec, err := y.Get(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if Ended(rec.State) {
			if rec.State != StateFailed || !strings.Contains(rec.YARNState, "FAILED") || !strings.Contains(rec.Diagnostics, "node 1") {
				t.Fatalf("ended as %s (%s): %q, want FAILED naming node 1", rec.State, rec.YARNState, rec.Diagnostics)
			}
			t.Logf("application ended %s after the kill: %s", time.Since(killed).Round(time.Millisecond), rec.Diagnostics)
			break
		}
		if time.Since(killed) > 30*time.Second {
			t.Fatalf("the application still runs 30s after losing a node: %+v", rec)
		}
		time.Sleep(250 * time.Millisecond)
	}
	attempts, err := y.rest.Apps().Attempts(ctx, rec.AppID)
	if err != nil || len(attempts) != 2 {
		t.Fatalf("attempts after the lost node: %+v %v; want 2 (no retry of a failure the AM recognised)", attempts, err)
	}
}

// An AM that fails again within the failure window ends the application:
// YARN retries one crash, not a crash loop, and then ends the nodes too.
func TestYARNAMCrashLoopEndsTheApp(t *testing.T) {
	tc := testcluster.Secure(t)
	y := newYARN(t, tc)
	name := uniqueName("phoenix-loop")
	rec := launchYARN(t, y, Spec{Name: name, Backend: "yarn", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1})
	ctx := context.Background()
	awaitRecord(t, y, name, "000001")
	firstAM := rec.AM // the node was started with --rendezvous firstAM
	awaitAttempt(t, y, rec, "000002", 1, killAM(t, rec.AppID, syscall.SIGKILL))
	killed := killAM(t, rec.AppID, syscall.SIGKILL)
	for {
		app, err := y.rest.Apps().Get(ctx, rec.AppID)
		if err != nil {
			t.Fatal(err)
		}
		if yarn.Terminal(app.State) {
			if app.State != yarn.StateFailed {
				t.Fatalf("after a second AM failure the app ended %s/%s: %s", app.State, app.FinalStatus, app.Diagnostics)
			}
			t.Logf("ended %s %s after the second kill: %.200s", app.State, time.Since(killed).Round(time.Millisecond), app.Diagnostics)
			break
		}
		if time.Since(killed) > 60*time.Second {
			t.Fatalf("the app still runs (%s) 60s after its second AM failure", app.State)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if attempts, err := y.rest.Apps().Attempts(ctx, rec.AppID); err != nil || len(attempts) != 2 {
		t.Fatalf("attempts %+v %v, want 2", attempts, err)
	}
	if rec, err := y.Get(ctx, name); err != nil || rec.State != StateFailed {
		t.Fatalf("record after the crash loop: %+v %v", rec, err)
	}
	for deadline := time.Now().Add(10 * time.Second); nodesRunning(firstAM) > 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d node processes still run after the application failed", nodesRunning(firstAM))
		}
	}
}

// An AM that dies before the cloud formed leaves nothing worth keeping:
// attempt 2 finds no record, releases what attempt 1 started and forms a
// fresh cloud, which works and stops as any other.
func TestYARNAMRestartBeforeTheCloudFormed(t *testing.T) {
	tc := testcluster.Secure(t)
	y := newYARN(t, tc)
	name := uniqueName("phoenix-early")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rec, err := y.Launch(ctx, Spec{Name: name, Backend: "yarn", Nodes: 2, MemoryBytes: 256 << 20, VCores: 1}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for amProcess(t, rec.AppID) == 0 {
		if ctx.Err() != nil {
			t.Fatal("attempt 1's AM never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	killAM(t, rec.AppID, syscall.SIGKILL)
	if r, err := hdfsRecord(y, name); err == nil {
		t.Fatalf("attempt 1 wrote a record before it could be killed: %+v", r)
	}
	if err := y.await(ctx, rec, func(Progress) {}); err != nil {
		t.Fatalf("the cloud did not form after the early AM restart: %v", err)
	}
	st, err := y.amStatus(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(st.Attempt, "_000002") || st.Adopted != 0 || len(st.Containers) != 2 {
		t.Fatalf("AM status %+v, want attempt 2 with a fresh cloud", st)
	}
	for _, c := range st.Containers {
		if !strings.Contains(c.ID, "_02_") {
			t.Errorf("node %d runs in %s, not a container of attempt 2", c.Index, c.ID)
		}
	}
	c, err := y.Client(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	putHDFS(t, y, "/user/"+tc.User+"/early.csv", csvRows(20000))
	importFrame(t, c, "hdfs:///user/"+tc.User+"/early.csv", "train")
	checkFrame(t, c, "train", 20000)
	if err := y.Stop(ctx, name); err != nil {
		t.Fatal(err)
	}
	app, err := y.rest.Apps().Get(ctx, rec.AppID)
	if err != nil || app.State != yarn.StateFinished || app.FinalStatus != "SUCCEEDED" {
		t.Fatalf("after stop: %+v %v", app, err)
	}
	for deadline := time.Now().Add(5 * time.Second); nodesRunning(rec.AM) > 0 || amProcess(t, rec.AppID) != 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("processes of %s still run after stop", rec.AppID)
		}
	}
}
