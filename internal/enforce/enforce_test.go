package enforce

import (
	"context"
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/audit"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/profile"
)

const testPolicy = `apiVersion: mlctl/v1
kind: Policy
contact: ml-platform@example.com
backends:
  yarn: {}
  local:
    enabled: true
engines:
  default: "3.48"
  versions:
    - name: "3.46"
      path: hdfs:///apps/mlctl/engines/3.46/mlctl
      sha256: 4c8b6b2d0e6d8f5b1c1f0e3a7d9b2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c
    - name: "3.48"
      path: hdfs:///apps/mlctl/engines/3.48/mlctl
      sha256: 9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f
roles:
  admin:
    users: [root-admin]
  standard:
    groups: [interns, seniors]
  disabled: [mallory]
group_mapping:
  alice: [interns]
  sam: [seniors]
  mallory: [seniors]
  nobody: [visitors]
profiles:
  - name: intern
    groups: [interns]
    cluster_limit: 1
    nodes: {min: 1, max: 2, default: 1}
    memory_per_node: {max: 1Gi, default: 512Mi}
    vcores_per_node: {max: 2, default: 1}
    max_idle: 30m
    max_uptime: 8h
    queues: [adhoc]
    default_queue: adhoc
    engines: ["3.48"]
  - name: senior
    groups: [seniors]
    cluster_limit: 3
    nodes: {min: 1, max: 20, default: 4}
    memory_per_node: {max: 50Gi, default: 8Gi}
    vcores_per_node: {max: 16, default: 4}
    max_idle: 2h
    max_uptime: 3d
    cluster_save: true
    queues: [analytics]
    env:
      TEAM: seniors
naming:
  app_prefix: ml-
  audit_log: $MLCTL_HOME/audit.log
`

func gate(t *testing.T, user, policyText string) (*Gate, string) {
	t.Helper()
	pol, err := profile.Parse("policy.yaml", []byte(policyText))
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	return &Gate{Policy: func() (*profile.Policy, error) { return pol, nil },
		Identity: func(context.Context) (string, string) { return "", user }, Home: home}, home
}

func records(t *testing.T, home string) []audit.Record {
	t.Helper()
	recs, err := audit.ReadFile(filepath.Join(home, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// Flags left out take the profile's defaults; the profile's limits and
// settings go into the spec.
func TestAdmitFillsTheSpec(t *testing.T) {
	g, home := gate(t, "sam", testPolicy)
	b := clitest.NewBackend("yarn")
	spec := launcher.Spec{Name: "c1", Backend: "yarn", Nodes: 1, MemoryBytes: 1 << 30, VCores: 1}
	adm, err := g.Admit(context.Background(), b, Ask{Action: audit.ActionLaunch, Spec: spec, Given: map[string]bool{"memory": true}})
	if err != nil {
		t.Fatal(err)
	}
	s := adm.Spec
	if s.Nodes != 4 || s.MemoryBytes != 1<<30 || s.VCores != 4 || s.Queue != "analytics" {
		t.Errorf("sizes/queue %d %d %d %q", s.Nodes, s.MemoryBytes, s.VCores, s.Queue)
	}
	if s.MaxUptime != 72*time.Hour || s.MaxIdle != 2*time.Hour || !s.SaveOnStop || s.Profile != "senior" || s.AppName != "ml-c1" || s.Env["TEAM"] != "seniors" {
		t.Errorf("limits %+v", s)
	}
	if s.Engine == nil || s.Engine.Version != "3.48" || s.Engine.Path != "hdfs:///apps/mlctl/engines/3.48/mlctl" {
		t.Errorf("engine %+v", s.Engine)
	}
	if err := adm.Done(g, &launcher.Record{Nodes: 4, MemoryBytes: 1 << 30, VCores: 4, Queue: "analytics"}, nil); err != nil {
		t.Fatal(err)
	}
	recs := records(t, home)
	if len(recs) != 1 || recs[0].User != "sam" || recs[0].Action != "launch" || recs[0].Outcome != "ok" || recs[0].Profile != "senior" || recs[0].Nodes != 4 {
		t.Errorf("audit %+v", recs)
	}
	if st, _ := os.Stat(filepath.Join(home, "audit.log")); st.Mode().Perm() != audit.LocalPerm {
		t.Errorf("audit log under MLCTL_HOME has mode %v", st.Mode().Perm())
	}
}

// Each limit denies with exit 3, naming the rule, the limit, the value
// asked for and the contact, and the denial is audited.
func TestAdmitDenies(t *testing.T) {
	for _, c := range []struct {
		name, user string
		spec       launcher.Spec
		given      map[string]bool
		engine     string
		live       int
		rule       string
		limit      string
		asked      string
	}{
		{"nodes", "alice", launcher.Spec{Backend: "local", Nodes: 3}, map[string]bool{"nodes": true}, "", 0, "profiles.intern.nodes.max", "limit 2", "asked 3"},
		{"memory", "alice", launcher.Spec{Backend: "local", MemoryBytes: 2 << 30}, map[string]bool{"memory": true}, "", 0, "profiles.intern.memory_per_node.max", "limit 1Gi", "asked 2Gi"},
		{"vcores", "alice", launcher.Spec{Backend: "local", VCores: 4}, map[string]bool{"vcores": true}, "", 0, "profiles.intern.vcores_per_node.max", "limit 2", "asked 4"},
		{"queue", "alice", launcher.Spec{Backend: "yarn", Queue: "analytics"}, nil, "", 0, "profiles.intern.queues", "limit adhoc", "asked analytics"},
		{"engine", "alice", launcher.Spec{Backend: "local"}, map[string]bool{}, "3.46", 0, "profiles.intern.engines", "limit 3.48", "asked 3.46"},
		{"uptime", "alice", launcher.Spec{Backend: "local", MaxUptime: 9 * time.Hour}, map[string]bool{}, "", 0, "profiles.intern.max_uptime", "limit 8h", "asked 9h"},
		{"clusters", "alice", launcher.Spec{Backend: "local"}, map[string]bool{}, "", 1, "profiles.intern.cluster_limit", "limit 1", "asked 2"},
		{"disabled", "mallory", launcher.Spec{Backend: "local"}, map[string]bool{}, "", 0, "roles.disabled", "", ""},
		{"no role", "nobody", launcher.Spec{Backend: "local"}, map[string]bool{}, "", 0, "roles", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, home := gate(t, c.user, testPolicy)
			b := clitest.NewBackend(c.spec.Backend)
			for i := 0; i < c.live; i++ {
				b.Clusters["live"] = &launcher.Record{Name: "live", Backend: c.spec.Backend, State: "running", Owner: c.user}
			}
			// Someone else's live cluster and the user's stopped one do not count.
			b.Clusters["other"] = &launcher.Record{Name: "other", Backend: c.spec.Backend, State: "running", Owner: "zoe"}
			b.Clusters["old"] = &launcher.Record{Name: "old", Backend: c.spec.Backend, State: "stopped", Owner: c.user}
			c.spec.Name = "c1"
			_, err := g.Admit(context.Background(), b, Ask{Action: audit.ActionLaunch, Spec: c.spec, Given: c.given, EngineName: c.engine})
			if errs.Code(err) != errs.Denied {
				t.Fatalf("code %d: %v", errs.Code(err), err)
			}
			msg := err.Error()
			for _, want := range []string{c.rule, c.limit, c.asked, "launch of c1 denied by policy policy.yaml for user " + c.user} {
				if !strings.Contains(msg, want) {
					t.Errorf("%q lacks %q", msg, want)
				}
			}
			if !strings.Contains(errs.Hint(err), "ml-platform@example.com") {
				t.Errorf("hint %q", errs.Hint(err))
			}
			var de *DeniedError
			if !errors.As(err, &de) || len(de.Denials) == 0 {
				t.Errorf("not a DeniedError: %v", err)
			}
			recs := records(t, home)
			if len(recs) != 1 || recs[0].Outcome != "denied" || !strings.Contains(recs[0].Reason, c.rule) || recs[0].User != c.user {
				t.Errorf("audit %+v", recs)
			}
		})
	}
}

// On yarn the RM's applications count too, each once, so a cluster
// launched from another gateway holds a place in the limit.
func TestLiveCountsTheRM(t *testing.T) {
	b := &rmBackend{Backend: clitest.NewBackend("yarn")}
	b.Clusters["here"] = &launcher.Record{Name: "here", Backend: "yarn", State: "running", Owner: "alice", AppID: "application_1_0001"}
	b.apps = []launcher.Record{
		{Name: "here", Backend: "yarn", State: "running", Owner: "alice", AppID: "application_1_0001"},
		{Name: "elsewhere", Backend: "yarn", State: "starting", Owner: "alice", AppID: "application_1_0002"},
	}
	n, err := Live(context.Background(), b, "yarn", "alice")
	if err != nil || n != 2 {
		t.Fatalf("%d %v", n, err)
	}
	if n, _ := Live(context.Background(), b, "local", "alice"); n != 0 {
		t.Errorf("local: %d", n)
	}
	b.err = errors.New("RM down")
	if _, err := Live(context.Background(), b, "yarn", "alice"); err == nil || !strings.Contains(err.Error(), "RM down") {
		t.Errorf("got %v", err)
	}
}

type rmBackend struct {
	*clitest.Backend
	apps []launcher.Record
	err  error
}

func (r *rmBackend) Applications(_ context.Context, user string, live bool) ([]launcher.Record, error) {
	return r.apps, r.err
}

// An audit log that cannot be written refuses a yarn launch before it
// starts, and only warns on the local backend.
func TestAuditFailurePolicy(t *testing.T) {
	bad := strings.Replace(testPolicy, "$MLCTL_HOME/audit.log", "/dev/null/audit.log", 1)
	for _, backend := range []string{"yarn", "local"} {
		g, _ := gate(t, "sam", bad)
		var warned []string
		g.Warn = func(f string, a ...any) { warned = append(warned, f) }
		spec := launcher.Spec{Name: "c1", Backend: backend, Nodes: 1}
		if backend == "local" {
			spec.Queue = ""
		}
		adm, err := g.Admit(context.Background(), clitest.NewBackend(backend), Ask{Action: audit.ActionLaunch, Spec: spec, Given: map[string]bool{}})
		switch backend {
		case "yarn":
			if err == nil || !strings.Contains(err.Error(), "audit log") || errs.Code(err) != errs.Error {
				t.Errorf("yarn: %v", err)
			}
		case "local":
			if err != nil || adm == nil || len(warned) == 0 {
				t.Errorf("local: %v, warnings %v", err, warned)
			}
		}
	}
}

// Admin commands need the admin role.
func TestRequireAdmin(t *testing.T) {
	g, _ := gate(t, "sam", testPolicy)
	if _, _, err := g.RequireAdmin(context.Background(), "mlctl admin reap"); errs.Code(err) != errs.Denied || !strings.Contains(err.Error(), "needs the admin role") {
		t.Errorf("sam: %v", err)
	}
	g, _ = gate(t, "root-admin", testPolicy)
	if _, res, err := g.RequireAdmin(context.Background(), "x"); err != nil || res.Role != profile.RoleAdmin {
		t.Errorf("admin: %v", err)
	}
}

func TestHDFSPath(t *testing.T) {
	for in, want := range map[string]string{"hdfs:///apps/x": "/apps/x", "/apps/x": "/apps/x", "hdfs://prod/apps/x": "/apps/x"} {
		if got, err := HDFSPath(nil, in); err != nil || got != want {
			t.Errorf("%s: %q %v", in, got, err)
		}
	}
	if _, err := HDFSPath(nil, "s3://b/x"); errs.Code(err) != errs.Usage {
		t.Errorf("s3: %v", err)
	}
}

// While the gateway has an installed policy, a launch under another one
// (--policy, $MLCTL_POLICY) is for the installed policy's admins only.
func TestOverrideOfTheInstalledPolicy(t *testing.T) {
	installed := filepath.Join(t.TempDir(), "policy.yaml")
	// The file's owner (whoever runs the test) must be root or an admin for
	// the installed policy to load.
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(testPolicy, "users: [root-admin]", "users: [root-admin, sam, "+me.Username+"]", 1)
	if err := os.WriteFile(installed, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user string
		code int
	}{{"alice", errs.Denied}, {"sam", errs.OK}} {
		g, _ := gate(t, c.user, testPolicy) // Source "policy.yaml": not the installed file
		g.Installed = installed
		_, err := g.Admit(context.Background(), clitest.NewBackend("local"), Ask{Action: audit.ActionLaunch,
			Spec: launcher.Spec{Name: "c1", Backend: "local", Nodes: 1}, Given: map[string]bool{}})
		if errs.Code(err) != c.code {
			t.Errorf("%s: code %d (%v)", c.user, errs.Code(err), err)
		}
		if c.code == errs.Denied && !strings.Contains(err.Error(), "only its admins may act under another policy") {
			t.Errorf("%s: %v", c.user, err)
		}
	}
	// Under the installed policy itself nothing changes.
	g, _ := gate(t, "alice", testPolicy)
	g.Installed = installed
	pol, _ := profile.Load(installed, profile.LoadOptions{})
	g.Policy = func() (*profile.Policy, error) { return pol, nil }
	if _, err := g.Admit(context.Background(), clitest.NewBackend("local"), Ask{Action: audit.ActionLaunch,
		Spec: launcher.Spec{Name: "c1", Backend: "local", Nodes: 1}, Given: map[string]bool{}}); err != nil {
		t.Errorf("installed policy: %v", err)
	}
}
