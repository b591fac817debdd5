package completions_test

import (
	"bytes"
	"context"
	"fmt"
	"os/user"
	"slices"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/completions"
	"github.com/spf13/cobra"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/profile"
)

// testPolicy gives the user running the test the profile "analysts" (two
// queues, one of two engines) over the catch-all "default".
func testPolicy(t *testing.T) *profile.Policy {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Skipf("no current user: %v", err)
	}
	sum := strings.Repeat("ab", 32)
	src := fmt.Sprintf(`apiVersion: mlctl/v1
kind: Policy
backends:
  local:
    enabled: true
engines:
  default: v2
  versions:
    - {name: v1, path: "hdfs:///apps/mlctl/v1/mlctl", sha256: %[2]s}
    - {name: v2, path: "hdfs:///apps/mlctl/v2/mlctl", sha256: %[2]s}
roles:
  standard:
    groups: ["*"]
profiles:
  - name: default
    groups: ["*"]
    nodes: {min: 1, max: 4, default: 1}
    memory_per_node: {max: 4Gi, default: 1Gi}
    vcores_per_node: {max: 4, default: 1}
  - name: analysts
    users: [%[1]q]
    priority: 10
    nodes: {min: 1, max: 8, default: 2}
    memory_per_node: {max: 8Gi, default: 1Gi}
    vcores_per_node: {max: 4, default: 1}
    queues: [analytics, adhoc]
    default_queue: analytics
    engines: [v1]
`, u.Username, sum)
	pol, err := profile.Parse("test-policy.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return pol
}

// queueBackend is a yarn backend whose ResourceManager has two queues.
type queueBackend struct{ *clitest.Backend }

func (queueBackend) Queues(context.Context) ([]string, error) { return []string{"default", "etl"}, nil }

func TestCompletePolicyNames(t *testing.T) {
	pol := testPolicy(t)
	b, c := fixture()
	f, _ := clitest.Factory(b, c)
	f.Policy = func() (*profile.Policy, error) { return pol, nil }
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"cluster", "launch", "x", "--queue", ""}, []string{"adhoc", "analytics"}},
		{[]string{"cluster", "launch", "x", "-q", "an"}, []string{"analytics"}},
		{[]string{"cluster", "launch", "x", "--engine", ""}, []string{"v1"}},
		// Questions about any user, and admins, see the whole policy.
		{[]string{"policy", "explain", "--user", "bob", "--engine", ""}, []string{"v1", "v2"}},
		{[]string{"policy", "explain", "--queue", "a"}, []string{"adhoc", "analytics"}},
		{[]string{"admin", "engine", "upload", ""}, []string{"v1", "v2"}},
		{[]string{"admin", "engine", "upload", "v1", ""}, nil},
		{[]string{"admin", "usage", "--since", ""}, nil},
	} {
		got, directive := complete(t, f, tc.args...)
		if !slices.Equal(got, tc.want) || directive != noFile {
			t.Errorf("%q: %q %s, want %q %s", tc.args, got, directive, tc.want, noFile)
		}
	}
}

// TestCompleteQueuesFromRM: a profile without a queue list lets the
// ResourceManager's queues through; on the local backend there are none.
func TestCompleteQueuesFromRM(t *testing.T) {
	b, _ := fixture()
	f, _ := clitest.Factory(nil, nil)
	f.Backend = func(string) (launcher.Backend, error) { return queueBackend{b}, nil }
	// f.Policy is nil: the embedded policy, whose profile allows any queue.
	if got, _ := complete(t, f, "cluster", "launch", "x", "--backend", "yarn", "--queue", ""); !slices.Equal(got, []string{"default", "etl"}) {
		t.Errorf("yarn: %q", got)
	}
	if got, _ := complete(t, f, "cluster", "launch", "x", "--backend", "local", "--queue", ""); got != nil {
		t.Errorf("local: %q, want nothing", got)
	}
}

func TestCompletePolicyError(t *testing.T) {
	b, c := fixture()
	f, _ := clitest.Factory(b, c)
	f.Policy = func() (*profile.Policy, error) { return nil, fmt.Errorf("policy.yaml:3:1: unknown key") }
	if got, directive := complete(t, f, "cluster", "launch", "x", "--engine", ""); got != nil || directive != noFile {
		t.Errorf("broken policy: %q %s, want nothing", got, directive)
	}
}

// TestCompleteProfiles: --profile (on whichever command has it) offers the
// policy's profiles. No mlctl command has the flag yet, so a small tree
// stands in for one.
func TestCompleteProfiles(t *testing.T) {
	pol := testPolicy(t)
	f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
	f.Policy = func() (*profile.Policy, error) { return pol, nil }
	root := &cobra.Command{Use: "mlctl"}
	sub := &cobra.Command{Use: "explain", RunE: func(*cobra.Command, []string) error { return nil }}
	sub.Flags().String("profile", "", "")
	root.AddCommand(sub)
	completions.Register(root, f)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs([]string{cobra.ShellCompRequestCmd, "explain", "--profile", ""})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if want := "analysts\tyour profile\ndefault\n:4\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
