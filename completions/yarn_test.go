package completions_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/testcluster"
)

// TestCompleteOnSecureYARN: with a keytab in the settings (no kinit), a
// built mlctl completes a real YARN cluster's name, its frames, and the
// ResourceManager's queues, each request through `mlctl __complete`.
func TestCompleteOnSecureYARN(t *testing.T) {
	if os.Getenv("MLCTL_TESTCLUSTER") == "" {
		t.Skip("needs the secure test cluster: set MLCTL_TESTCLUSTER (make test does)")
	}
	tc := testcluster.Secure(t)
	bin := buildMlctl(t)
	dir := t.TempDir()
	kt := filepath.Join(dir, "ml.keytab")
	data, err := os.ReadFile(tc.UserKeytab)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kt, data, 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "MLCTL_HOME=" + filepath.Join(dir, "home"),
		"MLCTL_CONFIG=" + filepath.Join(dir, "none.yaml"), "MLCTL_SYSTEM_CONFIG=" + filepath.Join(dir, "none.yaml"), "MLCTL_POLICY=",
		"MLCTL_KEYTAB=" + kt, "MLCTL_PRINCIPAL=" + tc.UserPrincipal, "HADOOP_CONF_DIR=" + tc.ConfDir, "KRB5_CONFIG=" + tc.Krb5Conf,
		"KRB5CCNAME=FILE:" + filepath.Join(dir, "no-cache"), "MLCTL_HDFS_CA=" + tc.CAPEM}
	run := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*outerOK)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("mlctl %s: %v", strings.Join(args, " "), err)
		}
		return string(out)
	}
	names := func(args ...string) []string {
		t.Helper()
		var out []string
		for _, l := range strings.Split(run(append([]string{"__complete"}, args...)...), "\n") {
			if name, _, _ := strings.Cut(l, "\t"); name != "" && !strings.HasPrefix(name, ":") {
				out = append(out, name)
			}
		}
		return out
	}

	if got := names("cluster", "launch", "h6-x", "--backend", "yarn", "--queue", ""); !slices.Contains(got, "default") {
		t.Errorf("--queue on yarn: %q, want the RM's default queue among them", got)
	}
	run("cluster", "launch", "h6-comp-yarn", "--backend", "yarn", "--memory", "256m", "--wait")
	t.Cleanup(func() {
		for _, verb := range []string{"stop", "delete"} {
			cmd := exec.Command(bin, "cluster", verb, "h6-comp-yarn")
			cmd.Env = env
			_ = cmd.Run()
		}
	})
	run("frame", "import", "--cluster", "h6-comp-yarn", filepath.Join("..", "examples", "data", "airline-sample.csv"), "--name", "air")
	if got := names("cluster", "stop", "h6-comp"); strings.Join(got, " ") != "h6-comp-yarn" {
		t.Errorf("cluster stop h6-comp<TAB>: %q", got)
	}
	if got := names("frame", "summary", "--cluster", "h6-comp-yarn", ""); strings.Join(got, " ") != "air" {
		t.Errorf("frame summary --cluster h6-comp-yarn <TAB>: %q", got)
	}
}
