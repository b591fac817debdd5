package profile

import (
	"slices"
	"strings"
	"testing"
)

func mustParse(t *testing.T, src string) *Policy {
	t.Helper()
	p, err := Parse("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const diffOld = `apiVersion: mlctl/v1
kind: Policy
roles:
  admin: {users: [carol, dan]}
  standard: {groups: ["*"]}
profiles:
  - name: analysts
    groups: [analysts]
    priority: 20
    nodes: {max: 8}
    queues: [analytics]
  - name: intern
    groups: [interns]
    priority: 10
    cluster_limit: 1
  - name: standard
    groups: ["*"]
    priority: 0
`

const diffNew = `apiVersion: mlctl/v1
kind: Policy
roles:
  admin: {users: [dan], groups: [ml-admins]}
  standard: {groups: ["*"]}
  disabled: [mallory]
profiles:
  - name: analysts
    groups: [analysts]
    priority: 20
    nodes: {max: 4}
    memory_per_node: {max: 8Gi}
    max_uptime: 2d
    queues: [analytics, adhoc]
  - name: standard
    groups: ["*"]
    priority: 0
`

func TestDiff(t *testing.T) {
	got := Diff(mustParse(t, diffOld), mustParse(t, diffNew))
	want := []string{
		"group analysts: max memory per node no limit → 8Gi",
		"group analysts: max nodes per cluster 8 → 4",
		"group analysts: max uptime no limit → 2d",
		"group analysts: may use queue adhoc",
		"group interns: clusters at once 1 → no limit",
		"group interns: profile intern → standard",
		"group ml-admins gains the admin role",
		"profile intern is removed (users who matched it now match standard)",
		"user carol loses the admin role",
		"user mallory is disabled",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !slices.IsSorted(got) {
		t.Error("not sorted")
	}
	if d := Diff(mustParse(t, diffNew), mustParse(t, diffNew)); len(d) != 0 {
		t.Errorf("a policy against itself: %v", d)
	}
	back := Diff(mustParse(t, diffNew), mustParse(t, diffOld))
	for _, w := range []string{"profile intern is added (for group interns)", "group interns: profile standard → intern", "user carol gains the admin role", "user mallory is no longer disabled"} {
		if !slices.Contains(back, w) {
			t.Errorf("reverse diff lacks %q:\n%s", w, strings.Join(back, "\n"))
		}
	}
}

func TestDiffExamples(t *testing.T) {
	a := mustParseFile(t, "../examples/policies/classic.yaml")
	b := mustParseFile(t, "../examples/policies/yarn-ha.yaml")
	d1, d2 := Diff(a, b), Diff(a, b)
	if !slices.Equal(d1, d2) || len(d1) == 0 {
		t.Fatalf("not deterministic or empty: %v", d1)
	}
	for _, w := range []string{"engine version 3.48 is added (hdfs://prod/apps/mlctl/engines/3.48/mlctl)", "default engine version (none) → 3.48"} {
		if !slices.Contains(d1, w) {
			t.Errorf("lacks %q:\n%s", w, strings.Join(d1, "\n"))
		}
	}
}
