package reap

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/audit"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/profile"
)

const policy = `apiVersion: mlctl/v1
kind: Policy
backends:
  local:
    enabled: true
roles:
  admin:
    users: [admin]
  standard:
    groups: [interns, seniors]
group_mapping:
  alice: [interns]
  bob: [seniors]
profiles:
  - name: intern
    groups: [interns]
    max_idle: 30m
    max_uptime: 8h
    cluster_save: true
  - name: senior
    groups: [seniors]
naming:
  audit_log: $MLCTL_HOME/audit.log
`

func setup(t *testing.T, user string) (*ReapOptions, *clitest.Backend, *clitest.ClusterAPI, string) {
	t.Helper()
	pol, err := profile.Parse("policy.yaml", []byte(policy))
	if err != nil {
		t.Fatal(err)
	}
	b := clitest.NewBackend("local")
	now := clitest.Now
	add := func(name, owner string, age time.Duration) {
		b.Clusters[name] = &launcher.Record{Name: name, Backend: "local", State: "running", Owner: owner, Nodes: 2,
			MemoryBytes: 1 << 30, CreatedAt: now.Add(-age), Dir: "/home/" + owner + "/.mlctl/clusters/" + name}
	}
	add("a-old", "alice", 10*time.Hour)
	add("a-idle", "alice", time.Hour)
	add("b-any", "bob", 100*time.Hour)
	b.Clusters["a-done"] = &launcher.Record{Name: "a-done", Backend: "local", State: "stopped", Owner: "alice", CreatedAt: now.Add(-50 * time.Hour)}
	c := &clitest.ClusterAPI{CloudStatus: &api.CloudStatus{Healthy: true, Started: now.Add(-time.Hour), LastWork: now.Add(-45 * time.Minute)}}
	f, _ := clitest.Factory(b, c)
	home := t.TempDir()
	g := &enforce.Gate{Policy: func() (*profile.Policy, error) { return pol, nil },
		Identity: func(context.Context) (string, string) { return "", user }, Home: home}
	opts := &ReapOptions{IO: f.IOStreams, Gate: g, Backend: f.Backend,
		ClusterAPI: func(ctx context.Context, name string) (cmdutil.ClusterAPI, error) { return f.ClusterAPI(ctx, name) },
		Now:        func() time.Time { return now }}
	return opts, b, c, home
}

func stops(b *clitest.Backend) []string {
	var out []string
	for _, c := range b.Calls {
		if strings.HasPrefix(c, "stop ") {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// --dry-run says what would be stopped and changes nothing: no stop, no
// save, no audit line, no lock file.
func TestDryRun(t *testing.T) {
	opts, b, c, home := setup(t, "admin")
	opts.DryRun = true
	if err := Run(opts); err != nil {
		t.Fatal(err)
	}
	out := clitest.Out(opts.IO)
	for _, want := range []string{"a-old\talice\tlocal\tintern\twould-save-and-stop\tup 10h, over max_uptime 8h of profile intern",
		"a-idle\talice\tlocal\tintern\twould-save-and-stop\tidle 45m, over max_idle 30m of profile intern"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "b-any") || strings.Contains(out, "a-done") {
		t.Errorf("a cluster within its limits (or ended) is listed:\n%s", out)
	}
	if len(stops(b)) != 0 || len(c.Saves.SaveReqs) != 0 {
		t.Errorf("dry run stopped %v, saved %v", stops(b), c.Saves.SaveReqs)
	}
	for _, f := range []string{"audit.log", "reap.lock"} {
		if _, err := os.Stat(filepath.Join(home, f)); err == nil {
			t.Errorf("dry run wrote %s", f)
		}
	}
}

// A real reap saves (cluster_save) then stops each cluster over a limit,
// and audits each stop with its reason.
func TestReap(t *testing.T) {
	opts, b, c, home := setup(t, "admin")
	if err := Run(opts); err != nil {
		t.Fatal(err)
	}
	if got := stops(b); !slices.Equal(got, []string{"stop a-idle", "stop a-old"}) {
		t.Errorf("stopped %v", got)
	}
	var dirs []string
	for _, r := range c.Saves.SaveReqs {
		dirs = append(dirs, r.Dir)
	}
	slices.Sort(dirs)
	if !slices.Equal(dirs, []string{"/home/alice/.mlctl/clusters/a-idle/saves", "/home/alice/.mlctl/clusters/a-old/saves"}) {
		t.Errorf("saved into %v", dirs)
	}
	recs, err := audit.ReadFile(filepath.Join(home, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("audit %+v", recs)
	}
	for _, r := range recs {
		if r.Action != "reap" || r.User != "alice" || r.Outcome != "ok" || !strings.Contains(r.Reason, "reaped by admin: saved-and-stopped") {
			t.Errorf("audit %+v", r)
		}
	}
	// Reaped clusters are stopped now: a second run has nothing to do.
	opts2, _, _, _ := setup(t, "admin")
	opts2.Backend = opts.Backend
	if err := Run(opts2); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(clitest.ErrOut(opts2.IO), "every live cluster is within its limits") {
		t.Errorf("second run: %s", clitest.ErrOut(opts2.IO))
	}
}

// A failed save leaves the cluster running and makes the exit code 1.
func TestSaveFailureKeepsCluster(t *testing.T) {
	opts, b, c, _ := setup(t, "admin")
	c.Saves.SaveErr = errs.New(errs.Error, os.ErrPermission, "")
	err := Run(opts)
	if errs.Code(err) != errs.Error {
		t.Fatalf("got %v", err)
	}
	if len(stops(b)) != 0 {
		t.Errorf("stopped %v after a failed save", stops(b))
	}
	if !strings.Contains(clitest.Out(opts.IO), "not stopped, the save failed") {
		t.Errorf("output %s", clitest.Out(opts.IO))
	}
}

// Two reaps never overlap: while the lock is held, a reap does nothing and
// succeeds (cron must not page anyone for it).
func TestLock(t *testing.T) {
	opts, b, _, home := setup(t, "admin")
	f, err := os.OpenFile(filepath.Join(home, "reap.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if err := Run(opts); err != nil {
		t.Fatal(err)
	}
	if len(stops(b)) != 0 || !strings.Contains(clitest.ErrOut(opts.IO), "another mlctl admin reap is running") {
		t.Errorf("stops %v, stderr %s", stops(b), clitest.ErrOut(opts.IO))
	}
}

func TestNeedsAdmin(t *testing.T) {
	opts, b, _, _ := setup(t, "alice")
	if err := Run(opts); errs.Code(err) != errs.Denied {
		t.Fatalf("got %v", err)
	}
	if len(stops(b)) != 0 {
		t.Error("a standard user reaped")
	}
}
