package clusters

import (
	"context"
	"strings"
	"testing"
	"time"

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
  yarn: {}
  local:
    enabled: true
roles:
  admin:
    users: [admin]
  standard:
    groups: ["*"]
profiles:
  - name: all
    groups: ["*"]
`

// rmBackend is the router as admin clusters sees it: this gateway's
// records, and the RM's applications of every user.
type rmBackend struct {
	*clitest.Backend
	apps []launcher.Record
}

func (r *rmBackend) Applications(_ context.Context, user string, live bool) ([]launcher.Record, error) {
	var out []launcher.Record
	for _, a := range r.apps {
		if !live || !launcher.Ended(a.State) {
			out = append(out, a)
		}
	}
	return out, nil
}

func run(t *testing.T, user string, all bool, format cmdutil.OutputFormat) (string, error) {
	t.Helper()
	pol, err := profile.Parse("policy.yaml", []byte(policy))
	if err != nil {
		t.Fatal(err)
	}
	b := &rmBackend{Backend: clitest.NewBackend("yarn")}
	now := clitest.Now
	b.Clusters["mine"] = &launcher.Record{Name: "mine", Backend: "local", State: "running", Owner: "admin", Nodes: 2, MemoryBytes: 1 << 30, Profile: "all", CreatedAt: now.Add(-time.Hour)}
	b.Clusters["ours"] = &launcher.Record{Name: "ours", Backend: "yarn", State: "running", Owner: "admin", Nodes: 3, MemoryBytes: 1 << 30, Profile: "all", AppID: "application_1_0001", CreatedAt: now.Add(-time.Hour)}
	b.apps = []launcher.Record{
		// The RM says ours was killed since: it is the authority on state.
		{Name: "ours", Backend: "yarn", State: "killed", Owner: "admin", AppID: "application_1_0001"},
		{Name: "theirs", Backend: "yarn", State: "running", Owner: "zoe", Nodes: 1, Queue: "root.adhoc", AppID: "application_1_0002", CreatedAt: now.Add(-2 * time.Hour)},
		{Name: "gone", Backend: "yarn", State: "stopped", Owner: "zoe", AppID: "application_1_0003"},
	}
	f, ios := clitest.Factory(nil, nil)
	g := &enforce.Gate{Policy: func() (*profile.Policy, error) { return pol, nil },
		Identity: func(context.Context) (string, string) { return "", user }, Home: t.TempDir()}
	err = Run(&ClustersOptions{IO: ios, Gate: g, Backend: func(string) (launcher.Backend, error) { return b, nil }, Now: f.Now, All: all, Output: format})
	return clitest.Out(ios), err
}

func TestEveryUsersClusters(t *testing.T) {
	out, err := run(t, "admin", false, cmdutil.OutputTable)
	if err != nil {
		t.Fatal(err)
	}
	want := "NAME\tOWNER\tBACKEND\tSTATE\tNODES\tMEMORY\tPROFILE\tQUEUE\tCREATED\tAPP\n" +
		"mine\tadmin\tlocal\trunning\t2\t1073741824\tall\t\t2025-06-01T11:00:00Z\t\n" +
		"theirs\tzoe\tyarn\trunning\t1\t0\t\troot.adhoc\t2025-06-01T10:00:00Z\tapplication_1_0002\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	out, err = run(t, "admin", true, cmdutil.OutputJSON)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"name": "gone"`, `"name": "ours"`, `"state": "killed"`} {
		if !strings.Contains(out, w) {
			t.Errorf("--all -o json lacks %s:\n%s", w, out)
		}
	}
}

func TestNeedsAdmin(t *testing.T) {
	if _, err := run(t, "zoe", false, cmdutil.OutputTable); errs.Code(err) != errs.Denied {
		t.Fatalf("got %v", err)
	}
}
