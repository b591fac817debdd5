package launcher

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/errs"
)

func launchSpec(t *testing.T, l *Local, spec Spec) *Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rec, err := l.Launch(ctx, spec, true, nil)
	if err != nil {
		out := &strings.Builder{}
		l.Logs(context.Background(), spec.Name, -1, out)
		t.Fatalf("launch %s: %v\nlogs:\n%s", spec.Name, err, out)
	}
	return rec
}

// awaitEnd polls the record until the cluster has ended (the deadline only
// bounds a failing test).
func awaitEnd(t *testing.T, l *Local, name string) *Record {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		rec, err := l.Get(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		if Ended(rec.State) {
			return rec
		}
		if time.Now().After(deadline) {
			out := &strings.Builder{}
			l.Logs(context.Background(), name, -1, out)
			t.Fatalf("%s still %s a minute on; logs:\n%s", name, rec.State, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestLocalIdleStopEndsTheClusterAsStoppedWithTheReason(t *testing.T) {
	l := newLocal(t)
	rec := launchSpec(t, l, Spec{Name: "idle", Nodes: 2, MemoryBytes: 256 << 20, VCores: 1, MaxIdle: time.Second, Profile: "intern"})
	if rec.MaxIdle != time.Second || rec.Profile != "intern" {
		t.Errorf("record lacks the limits: %+v", rec)
	}
	end := awaitEnd(t, l, "idle")
	if end.State != StateStopped || !strings.HasPrefix(end.StopReason, "idle for ") ||
		!strings.Contains(end.StopReason, "(max_idle 1s of profile intern)") || end.Diagnostics == "" {
		t.Fatalf("ended %s, reason %q, diagnostics %q", end.State, end.StopReason, end.Diagnostics)
	}
	if alive := len(rec.PIDs) - len(l.deadNodes(rec)); alive != 0 {
		t.Errorf("%d node processes left running", alive)
	}
	// The end is durable: the record says so even once the leader's file is gone.
	again, err := readRecord(rec.Dir)
	if err != nil || again.State != StateStopped || again.StopReason != end.StopReason {
		t.Errorf("stored record: %+v %v", again, err)
	}
	if _, err := l.Client(context.Background(), "idle"); err == nil || !strings.Contains(err.Error(), "idle for") {
		t.Errorf("a client for the idle-stopped cluster: %v", err)
	}
}

func TestLocalUptimeStopExpiresTheCluster(t *testing.T) {
	l := newLocal(t)
	rec := launchSpec(t, l, Spec{Name: "uptime", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1, MaxUptime: 2 * time.Second, Profile: "senior"})
	if rec.EndsAt.IsZero() || rec.EndsAt.Sub(rec.CreatedAt) != 2*time.Second {
		t.Errorf("EndsAt %s for CreatedAt %s", rec.EndsAt, rec.CreatedAt)
	}
	// Activity does not postpone the lifetime.
	c, err := l.Client(context.Background(), "uptime")
	if err != nil {
		t.Fatal(err)
	}
	c.Frames(context.Background())
	end := awaitEnd(t, l, "uptime")
	if end.State != StateExpired || !strings.HasPrefix(end.StopReason, "max_uptime 2s of profile senior reached") {
		t.Fatalf("ended %s, reason %q", end.State, end.StopReason)
	}
	if end.StoppedAt.Before(rec.EndsAt) {
		t.Errorf("stopped at %s, before its end %s", end.StoppedAt, rec.EndsAt)
	}
	// A stop afterwards keeps what ended it.
	if err := l.Stop(context.Background(), "uptime"); err != nil {
		t.Fatal(err)
	}
	if after, _ := l.Get(context.Background(), "uptime"); after.State != StateExpired || after.StopReason != end.StopReason {
		t.Errorf("after cluster stop: %s %q", after.State, after.StopReason)
	}
}

// Restart brings a stopped cluster back under its name, with its limits,
// and refuses one that runs.
func TestLocalRestartFromTheRecord(t *testing.T) {
	l := newLocal(t)
	spec := Spec{Name: "again", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1, MaxIdle: time.Hour, Profile: "p", Env: map[string]string{"TEAM": "a"}}
	rec := launchSpec(t, l, spec)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := l.Restart(ctx, rec.Spec(), true, nil); err == nil || !strings.Contains(err.Error(), "is running") {
		t.Fatalf("restart of a running cluster: %v", err)
	}
	if err := l.Stop(ctx, "again"); err != nil {
		t.Fatal(err)
	}
	stopped, _ := l.Get(ctx, "again")
	spec2 := stopped.Spec()
	spec2.Nodes = 2 // an override
	back, err := l.Restart(ctx, spec2, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if back.State != StateRunning || back.Name != "again" || back.Nodes != 2 || back.Restarts != 1 || back.MaxIdle != time.Hour ||
		back.Profile != "p" || back.Env["TEAM"] != "a" || back.Dir != rec.Dir {
		t.Fatalf("restarted record: %+v", back)
	}
	if back.Token == rec.Token {
		t.Error("the restarted cluster kept the old token")
	}
	c, err := l.Client(ctx, "again")
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Cloud(ctx)
	if err != nil || !st.Formed || st.Size != 2 {
		t.Fatalf("restarted cloud: %+v %v", st, err)
	}
	if !strings.Contains(environ(t, back.PIDs[1]), "\x00TEAM=a\x00") {
		t.Error("the profile's env did not reach the restarted node")
	}
}

// environ is a process's environment as /proc has it (NUL separated, with
// a leading NUL for matching whole entries).
func environ(t *testing.T, pid int) string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		t.Fatal(err)
	}
	return "\x00" + string(b)
}

func TestLocalEnvReachesEveryNodeAndMLCTLNamesAreRefused(t *testing.T) {
	l := newLocal(t)
	t.Setenv("MLCTL_SAVE_ON_STOP", "1") // the caller's: a node must not inherit it
	rec := launchSpec(t, l, Spec{Name: "env", Nodes: 2, MemoryBytes: 256 << 20, VCores: 1, MaxIdle: time.Hour, Profile: "intern",
		Env: map[string]string{"TZ": "UTC", "TEAM_BUCKET": "s3://team a/"}})
	for _, pid := range rec.PIDs {
		env := environ(t, pid)
		for _, want := range []string{"\x00TZ=UTC\x00", "\x00TEAM_BUCKET=s3://team a/\x00", "\x00MLCTL_MAX_IDLE=1h0m0s\x00", "\x00MLCTL_PROFILE=intern\x00"} {
			if !strings.Contains(env, want) {
				t.Errorf("node pid %d lacks %q", pid, strings.Trim(want, "\x00"))
			}
		}
		if strings.Contains(env, "\x00MLCTL_SAVE_ON_STOP=") {
			t.Errorf("node pid %d inherited the caller's MLCTL_SAVE_ON_STOP", pid)
		}
	}
	for _, bad := range []string{"MLCTL_HOME", "mlctl_max_idle", "GOMEMLIMIT", "1X", "A=B"} {
		_, err := l.Launch(context.Background(), Spec{Name: "bad", Nodes: 1, MemoryBytes: 256 << 20, Env: map[string]string{bad: "x"}}, false, nil)
		if err == nil || errs.Code(err) != errs.Usage {
			t.Errorf("env %s: %v (code %d), want a usage error", bad, err, errs.Code(err))
		}
	}
	for _, val := range []string{`say "hi"`, "$HOME/x", "a`b`", "two\nlines", `back\slash`} {
		_, err := l.Launch(context.Background(), Spec{Name: "bad", Nodes: 1, MemoryBytes: 256 << 20, Env: map[string]string{"V": val}}, false, nil)
		if err == nil || errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), "value of V") {
			t.Errorf("env value %q: %v (code %d), want a usage error", val, err, errs.Code(err))
		}
	}
	if _, err := l.Get(context.Background(), "bad"); err == nil {
		t.Error("a refused launch left a record")
	}
}

// copyBin copies the mlctl binary (an engine build) to dir.
func copyBin(t *testing.T, dir string) (path, sum string) {
	t.Helper()
	b, err := os.ReadFile(mlctlBin)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "mlctl-engine")
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return path, hex.EncodeToString(s[:])
}

func TestLocalEngineBinaryIsCheckedAndRun(t *testing.T) {
	l := newLocal(t)
	path, sum := copyBin(t, t.TempDir())
	rec := launchSpec(t, l, Spec{Name: "eng", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1, Engine: &EngineBinary{Version: "v1", Path: path, SHA256: strings.ToUpper(sum)}})
	if exe, err := os.Readlink("/proc/" + strconv.Itoa(rec.PIDs[0]) + "/exe"); err != nil || exe != path {
		t.Errorf("the node runs %q (%v), want the engine %s", exe, err, path)
	}
	if rec.Binary != path || rec.Engine == nil || rec.Engine.Version != "v1" {
		t.Errorf("record: binary %q engine %+v", rec.Binary, rec.Engine)
	}

	wrong := strings.Repeat("0", 64)
	_, err := l.Launch(context.Background(), Spec{Name: "eng2", Nodes: 1, MemoryBytes: 256 << 20, Engine: &EngineBinary{Version: "v1", Path: path, SHA256: wrong}}, false, nil)
	if errs.Code(err) != errs.Integrity {
		t.Fatalf("a wrong checksum: %v (code %d), want exit 7", err, errs.Code(err))
	}
	for _, want := range []string{path, "expected " + wrong, "got " + sum} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the mismatch error does not name %q: %v", want, err)
		}
	}
	if h := errs.Hint(err); !strings.Contains(h, "mlctl admin engine upload v1") {
		t.Errorf("hint %q", h)
	}
	for _, p := range []string{"hdfs:///apps/mlctl/v1/mlctl", "relative/mlctl", filepath.Join(t.TempDir(), "missing")} {
		_, err := l.Launch(context.Background(), Spec{Name: "eng3", Nodes: 1, MemoryBytes: 256 << 20, Engine: &EngineBinary{Version: "v1", Path: p, SHA256: sum}}, false, nil)
		if err == nil || !strings.Contains(err.Error(), "engine version v1") {
			t.Errorf("engine at %s: %v", p, err)
		}
	}
}

// The checksum of an unchanged binary comes from the cache, for a match and
// a mismatch alike; a changed modification time or length reads it again.
func TestEngineChecksumCache(t *testing.T) {
	home := t.TempDir()
	data := bytes.Repeat([]byte("engine"), 1000)
	s := sha256.Sum256(data)
	sum := hex.EncodeToString(s[:])
	opens := 0
	file := engineFile{Path: "hdfs://nn:8020/apps/mlctl/v1/mlctl", MTime: 1000, Length: int64(len(data)),
		Open: func(context.Context) (io.ReadCloser, error) { opens++; return io.NopCloser(bytes.NewReader(data)), nil }}
	eb := &EngineBinary{Version: "v1", Path: file.Path, SHA256: sum}
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := verifyEngine(ctx, home, eb, file); err != nil {
			t.Fatal(err)
		}
	}
	if opens != 1 {
		t.Errorf("read %d times for three launches, want once", opens)
	}
	if st, err := os.Stat(filepath.Join(home, SumCacheFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("cache file: %v %v", st, err)
	}
	bad := &EngineBinary{Version: "v1", Path: file.Path, SHA256: strings.Repeat("a", 64)}
	if err := verifyEngine(ctx, home, bad, file); errs.Code(err) != errs.Integrity || !strings.Contains(err.Error(), "got "+sum) || opens != 1 {
		t.Errorf("a mismatch against the cached sum: %v, %d reads", err, opens)
	}
	for _, changed := range []engineFile{{MTime: 2000, Length: file.Length}, {MTime: 1000, Length: file.Length + 1}} {
		f := file
		f.MTime, f.Length = changed.MTime, changed.Length
		before := opens
		err := verifyEngine(ctx, home, eb, f)
		if opens != before+1 {
			t.Errorf("mtime %d length %d: not read again (%v)", f.MTime, f.Length, err)
		}
	}
	other := file
	other.Path = "hdfs://nn:8020/apps/mlctl/v2/mlctl"
	before := opens
	for i := 0; i < 2; i++ {
		if err := verifyEngine(ctx, home, &EngineBinary{Version: "v2", Path: other.Path, SHA256: strings.Repeat("a", 64)}, other); errs.Code(err) != errs.Integrity {
			t.Errorf("mismatch: %v", err)
		}
	}
	if opens != before+1 {
		t.Errorf("two mismatching launches read the file %d times, want once", opens-before)
	}
	if err := verifyEngine(ctx, home, &EngineBinary{Version: "v3", SHA256: "xyz"}, other); errs.Code(err) != errs.Usage {
		t.Errorf("a malformed sha256: %v", err)
	}
	// A damaged cache is an empty one.
	os.WriteFile(filepath.Join(home, SumCacheFile), []byte("{"), 0o600)
	if err := verifyEngine(ctx, home, eb, file); err != nil {
		t.Errorf("with a damaged cache: %v", err)
	}
}

// An idle stop of a cluster_save profile saves first; starting it again
// and restoring brings the frame back.
func TestLocalIdleStopSavesAndRestartRestores(t *testing.T) {
	l := newLocal(t)
	rec := launchSpec(t, l, Spec{Name: "keep", Nodes: 2, MemoryBytes: 256 << 20, VCores: 1, MaxIdle: 2 * time.Second, SaveOnStop: true, Profile: "p"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := l.Client(ctx, "keep")
	if err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(t.TempDir(), "d.csv")
	os.WriteFile(csv, []byte("a,b\n1,x\n2,y\n3,\n"), 0o600)
	j, err := c.ImportFrame(ctx, api.ImportRequest{Paths: []string{csv}, Name: "d"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitJob(ctx, j.ID, nil); err != nil {
		t.Fatal(err)
	}
	end := awaitEnd(t, l, "keep")
	dir := SaveDir(rec)
	if end.State != StateStopped || !strings.Contains(end.Diagnostics, "frames and models saved to "+dir) {
		t.Fatalf("ended %s: %q", end.State, end.Diagnostics)
	}
	back, err := l.Restart(ctx, end.Spec(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if back.MaxIdle != 2*time.Second || !back.SaveOnStop {
		t.Errorf("limits lost on restart: %+v", back)
	}
	c, err = l.Client(ctx, "keep")
	if err != nil {
		t.Fatal(err)
	}
	j, err = c.Restore(ctx, api.RestoreRequest{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitJob(ctx, j.ID, nil); err != nil {
		t.Fatal(err)
	}
	f, err := c.Frame(ctx, "d")
	if err != nil || f.Rows != 3 || f.Columns != 2 {
		t.Fatalf("restored frame: %+v %v", f, err)
	}
}
