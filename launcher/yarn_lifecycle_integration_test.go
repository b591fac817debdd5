package launcher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/testcluster"
)

// engineBuild is the mlctl binary with bytes appended: it runs the same,
// but its SHA-256 is its own, so a node that runs it is told apart from
// one running the staged mlctl.
func engineBuild(t *testing.T) ([]byte, string) {
	t.Helper()
	b, err := os.ReadFile(mlctlBin)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, []byte("\nh3 engine build v1\n")...)
	s := sha256.Sum256(b)
	return b, hex.EncodeToString(s[:])
}

// One YARN cluster through its whole life under a profile: launched from
// an engine version on HDFS (checksum verified, then cached), with the
// profile's env on its node, an application name and a lifetime; stopped
// by the leader after max_idle, saving first (stopped, with the reason);
// started again under its name and restored.
func TestYARNProfileLifecycle(t *testing.T) {
	tc := testcluster.Secure(t)
	y := newYARN(t, tc)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	bin, sum := engineBuild(t)
	enginePath := "/user/" + tc.User + "/h3-engines/v1/mlctl"
	putHDFS(t, y, enginePath, bin)
	putHDFS(t, y, "/user/"+tc.User+"/h3-idle.csv", []byte("a,b\n1,x\n2,y\n3,\n"))
	eng := &EngineBinary{Version: "v1", Path: "hdfs://" + enginePath, SHA256: sum}

	// A wrong checksum is refused before anything is submitted.
	hashes.Lock()
	before := hashes.N
	hashes.Unlock()
	_, err := y.Launch(ctx, Spec{Name: "h3-bad", Backend: "yarn", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1,
		Engine: &EngineBinary{Version: "v1", Path: eng.Path, SHA256: strings.Repeat("0", 64)}}, true, nil)
	if errs.Code(err) != errs.Integrity || !strings.Contains(err.Error(), "expected "+strings.Repeat("0", 64)+", got "+sum) ||
		!strings.Contains(err.Error(), enginePath) {
		t.Fatalf("a wrong engine checksum: code %d: %v", errs.Code(err), err)
	}
	if _, err := y.Get(ctx, "h3-bad"); err == nil {
		t.Error("a refused launch left a record")
	}

	spec := Spec{Name: "h3-idle", Backend: "yarn", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1, Profile: "intern",
		MaxIdle: 20 * time.Second, MaxUptime: 10 * time.Minute, SaveOnStop: true, Engine: eng,
		Env: map[string]string{"H3_PROFILE_ENV": "team a"}, AppName: "h3-team-h3-idle"}
	rec := launchYARN(t, y, spec)
	hashes.Lock()
	if n := hashes.N - before; n != 1 {
		t.Errorf("the engine binary was hashed %d times for a refused and a good launch, want once (the cache answers the second)", n)
	}
	hashes.Unlock()
	// What the cache saves (logged, not asserted): a read of the binary
	// through WebHDFS against a look-up.
	home := y.Home
	y.Home = t.TempDir()
	t0 := time.Now()
	if _, err := y.yarnEngine(ctx, eng); err != nil {
		t.Fatal(err)
	}
	cold := time.Since(t0)
	t0 = time.Now()
	if _, err := y.yarnEngine(ctx, eng); err != nil {
		t.Fatal(err)
	}
	t.Logf("engine check of %d MiB: %s reading it through WebHDFS, %s from the cache", len(bin)>>20, cold.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
	y.Home = home
	if rec.Binary != enginePath || rec.Profile != "intern" || rec.MaxIdle != spec.MaxIdle || rec.EndsAt.IsZero() {
		t.Errorf("record: binary %q profile %q max_idle %s ends_at %s", rec.Binary, rec.Profile, rec.MaxIdle, rec.EndsAt)
	}
	app, err := y.rest.Apps().Get(ctx, rec.AppID)
	if err != nil {
		t.Fatal(err)
	}
	if app.Name != "h3-team-h3-idle" {
		t.Errorf("application name %q", app.Name)
	}
	if app.Lifetime == nil || app.Lifetime.Expiry.IsZero() || app.Lifetime.Expiry.Sub(rec.CreatedAt) < 9*time.Minute || app.Lifetime.Expiry.Sub(rec.CreatedAt) > 11*time.Minute {
		t.Errorf("lifetime %+v for a max_uptime of 10m from %s", app.Lifetime, rec.CreatedAt)
	}
	c, err := y.Client(ctx, "h3-idle")
	if err != nil {
		t.Fatal(err)
	}
	j, err := c.ImportFrame(ctx, api.ImportRequest{Paths: []string{"hdfs:///user/" + tc.User + "/h3-idle.csv"}, Name: "d"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitJob(ctx, j.ID, nil); err != nil {
		t.Fatal(err)
	}
	st, err := c.Cloud(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pid := st.Nodes[0].PID
	if env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ"); err != nil {
		t.Errorf("reading the node's environment: %v", err)
	} else {
		for _, want := range []string{"H3_PROFILE_ENV=team a", "MLCTL_MAX_IDLE=20s", "MLCTL_PROFILE=intern", "MLCTL_SAVE_ON_STOP=1"} {
			if !strings.Contains("\x00"+string(env)+"\x00", "\x00"+want+"\x00") {
				t.Errorf("the node container lacks %s", want)
			}
		}
	}
	if exe, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/exe"); err == nil {
		s := sha256.Sum256(exe)
		if got := hex.EncodeToString(s[:]); got != sum {
			t.Errorf("the node runs a binary of SHA-256 %s, not the engine version's %s", got, sum)
		}
	} else {
		t.Errorf("reading the node's binary: %v", err)
	}

	// Nobody calls the API now: the leader saves and ends the cloud.
	var end *Record
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(500 * time.Millisecond) {
		if end, err = y.Get(ctx, "h3-idle"); err != nil {
			t.Fatal(err)
		}
		if Ended(end.State) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the idle cluster still runs two minutes on")
		}
	}
	t.Logf("ended %s (%s): %s", end.State, end.YARNState, end.Diagnostics)
	if end.State != StateStopped || end.YARNState != "FINISHED/SUCCEEDED" || !strings.HasPrefix(end.StopReason, "idle for ") ||
		!strings.Contains(end.StopReason, "(max_idle 20s of profile intern)") || !strings.Contains(end.StopReason, "saved to "+SaveDir(rec)) {
		t.Fatalf("ended %s (%s), reason %q", end.State, end.YARNState, end.StopReason)
	}

	// Started again: a new application, same name, the frame restored.
	back, err := y.Restart(ctx, end.Spec(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if back.AppID == rec.AppID || back.Restarts != 1 || back.Binary != enginePath || back.MaxIdle != spec.MaxIdle {
		t.Errorf("restarted: app %s (was %s), restarts %d, binary %q", back.AppID, rec.AppID, back.Restarts, back.Binary)
	}
	c, err = y.Client(ctx, "h3-idle")
	if err != nil {
		t.Fatal(err)
	}
	if j, err = c.Restore(ctx, api.RestoreRequest{Dir: SaveDir(back)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitJob(ctx, j.ID, nil); err != nil {
		t.Fatal(err)
	}
	if f, err := c.Frame(ctx, "d"); err != nil || f.Rows != 3 {
		t.Fatalf("restored frame %+v %v", f, err)
	}
	if _, err := y.Restart(ctx, back.Spec(), true, nil); err == nil || !strings.Contains(err.Error(), "is running") {
		t.Errorf("restart of a running cluster: %v", err)
	}
	if err := y.Stop(ctx, "h3-idle"); err != nil {
		t.Fatal(err)
	}
}

// With cluster_save, the leader saves and ends the cloud just before the
// lifetime YARN enforces: the cluster is expired, saved, and YARN did not
// have to kill it.
func TestYARNUptimeSavesAheadOfTheLifetime(t *testing.T) {
	tc := testcluster.Secure(t)
	y := newYARN(t, tc)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rec := launchYARN(t, y, Spec{Name: "h3-uptime", Backend: "yarn", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1,
		MaxUptime: 40 * time.Second, SaveOnStop: true, Profile: "senior"})
	// Something to save (an empty cluster writes no save).
	putHDFS(t, y, "/user/"+tc.User+"/h3-uptime.csv", []byte("a,b\n1,x\n2,y\n"))
	c, err := y.Client(ctx, "h3-uptime")
	if err != nil {
		t.Fatal(err)
	}
	j, err := c.ImportFrame(ctx, api.ImportRequest{Paths: []string{"hdfs:///user/" + tc.User + "/h3-uptime.csv"}, Name: "d"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitJob(ctx, j.ID, nil); err != nil {
		t.Fatal(err)
	}
	var end *Record
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(500 * time.Millisecond) {
		if end, err = y.Get(ctx, "h3-uptime"); err != nil {
			t.Fatal(err)
		}
		if Ended(end.State) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("still running two minutes after a 40s max_uptime")
		}
	}
	t.Logf("ended %s (%s) at +%s: %s", end.State, end.YARNState, end.StoppedAt.Sub(rec.CreatedAt).Round(time.Second), end.Diagnostics)
	if end.State != StateExpired || end.YARNState != "FINISHED/SUCCEEDED" ||
		!strings.HasPrefix(end.StopReason, "max_uptime 40s of profile senior ends at ") ||
		!strings.Contains(end.StopReason, "saved to "+SaveDir(rec)) {
		t.Fatalf("ended %s (%s): %q", end.State, end.YARNState, end.StopReason)
	}
	if st, err := y.web.Stat(ctx, "/user/"+tc.User+"/.mlctl/clusters/h3-uptime/saves/current.json"); err != nil || st.Length == 0 {
		t.Errorf("no save on HDFS: %v", err)
	}
}

// Launches of one build at once stage it once: the file is never replaced
// after a launch read its modification time (YARN would refuse to localize
// it: "changed on src filesystem").
func TestYARNConcurrentStagingKeepsOneFile(t *testing.T) {
	tc := testcluster.Secure(t)
	y := newYARN(t, tc)
	ctx := context.Background()
	if err := y.setup(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(mlctlBin)
	if err != nil {
		t.Fatal(err)
	}
	exe := t.TempDir() + "/mlctl"
	os.WriteFile(exe, append(b, []byte(time.Now().String())...), 0o755) // a build never staged before
	y.Executable = exe
	const n = 4
	got := make(chan *staged, n)
	errc := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			s, err := y.stageBinary(ctx)
			got <- s
			errc <- err
		}()
	}
	var first *staged
	for i := 0; i < n; i++ {
		s, err := <-got, <-errc
		if err != nil {
			t.Fatalf("stage %d: %v", i, err)
		}
		if first == nil {
			first = s
		}
		if s.Path != first.Path || s.Timestamp != first.Timestamp {
			t.Errorf("stage %d got %s at %d, another %s at %d", i, s.Path, s.Timestamp, first.Path, first.Timestamp)
		}
	}
	st, err := y.web.Stat(ctx, first.Path)
	if err != nil || st.ModificationTime != first.Timestamp || st.Length != first.Size {
		t.Errorf("the staged file changed after staging: %+v (staged %+v) %v", st, first, err)
	}
	ls, _ := y.web.List(ctx, y.hdfsHome()+"/.mlctl/bin")
	for _, f := range ls {
		if strings.Contains(f.PathSuffix, ".tmp-") {
			t.Errorf("a temporary file is left: %s", f.PathSuffix)
		}
	}
	y.web.Delete(ctx, first.Path, false)
}
