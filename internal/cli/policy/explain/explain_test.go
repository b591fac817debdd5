package explain

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/profile"
)

const policy = `apiVersion: mlctl/v1
kind: Policy
contact: ml-platform@example.com
backends:
  local:
    enabled: true
roles:
  standard:
    groups: [interns, seniors]
group_mapping:
  bob: [seniors]
  ann: [interns]
profiles:
  - name: intern
    groups: [interns]
    priority: 10
    cluster_limit: 1
    nodes: {min: 1, max: 2, default: 1}
    memory_per_node: {max: 1Gi, default: 512Mi}
  - name: senior
    groups: [seniors]
    priority: 20
    cluster_limit: 3
    nodes: {min: 1, max: 20, default: 4}
    memory_per_node: {max: 50Gi, default: 8Gi}
`

func explainJSON(t *testing.T, caller string, live int, args ...string) (map[string]json.RawMessage, error) {
	t.Helper()
	pol, err := profile.Parse("p.yaml", []byte(policy))
	if err != nil {
		t.Fatal(err)
	}
	b := clitest.NewBackend("local")
	for i := 0; i < live; i++ {
		b.Clusters[string(rune('a'+i))] = &launcher.Record{Name: string(rune('a' + i)), Backend: "local", State: "running", Owner: "bob"}
	}
	f, ios := clitest.Factory(b, nil)
	f.Policy = func() (*profile.Policy, error) { return pol, nil }
	f.Identity = func(context.Context) (string, string) { return "", caller }
	if err := clitest.Exec(NewCmdExplain(f, nil), append(args, "-o", "json")...); err != nil {
		return nil, err
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal([]byte(clitest.Out(ios)), &out); err != nil {
		t.Fatalf("%v: %s", err, clitest.Out(ios))
	}
	return out, nil
}

func TestExplain(t *testing.T) {
	for _, c := range []struct {
		name, caller string
		live         int
		args         []string
		user, prof   string
		allowed      bool
		reason       string
	}{
		{"caller by default", "bob", 0, nil, "bob", "senior", true, "within every limit of profile senior"},
		{"another user, groups given", "bob", 0, []string{"--user", "ann", "--groups", "interns", "--nodes", "3"}, "ann", "intern", false, "rule profiles.intern.nodes.max: limit 2, asked 3"},
		{"groups given win over the mapping", "x", 0, []string{"--user", "bob", "--groups", "interns,seniors", "--memory", "16g"}, "bob", "senior", true, "within every limit"},
		{"live clusters counted", "bob", 3, nil, "bob", "senior", false, "rule profiles.senior.cluster_limit: limit 3, asked 4"},
		{"no profile, no role", "zed", 0, nil, "zed", "", false, "rule roles: limit admin or standard"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := explainJSON(t, c.caller, c.live, c.args...)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for k := range out {
				keys = append(keys, k)
			}
			if len(keys) != 7 {
				t.Errorf("keys %v, want exactly user, groups, role, profile, limits, allowed, reasons", keys)
			}
			var user, prof string
			var allowed bool
			var reasons []string
			json.Unmarshal(out["user"], &user)
			json.Unmarshal(out["profile"], &prof)
			json.Unmarshal(out["allowed"], &allowed)
			json.Unmarshal(out["reasons"], &reasons)
			if user != c.user || prof != c.prof || allowed != c.allowed {
				t.Errorf("user %q profile %q allowed %v", user, prof, allowed)
			}
			if !strings.Contains(strings.Join(reasons, "\n"), c.reason) {
				t.Errorf("reasons %q lack %q", reasons, c.reason)
			}
			if c.prof != "" && !strings.Contains(string(out["limits"]), `"cluster_limit"`) {
				t.Errorf("limits %s", out["limits"])
			}
		})
	}
}

func TestExplainUsage(t *testing.T) {
	for _, args := range [][]string{{"--nodes", "0"}, {"--memory", "lots"}, {"--backend", "mars"}, {"extra"}} {
		_, err := explainJSON(t, "bob", 0, args...)
		if errs.Code(err) != errs.Usage {
			t.Errorf("%v: %v", args, err)
		}
	}
}
