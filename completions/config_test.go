package completions_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
)

// testDir holds what the tests share (the mlctl binary they build).
var testDir string

// TestMain keeps the tests off the configuration of whoever runs them.
func TestMain(m *testing.M) {
	var err error
	if testDir, err = os.MkdirTemp("", "completions-test-"); err != nil {
		panic(err)
	}
	os.Setenv("MLCTL_CONFIG", filepath.Join(testDir, "no-user-config.yaml"))
	os.Setenv("MLCTL_SYSTEM_CONFIG", filepath.Join(testDir, "no-system-config.yaml"))
	code := m.Run()
	os.RemoveAll(testDir)
	os.Exit(code)
}

// TestCompleteClusterFromConfig: without --cluster or $MLCTL_CLUSTER, the
// cluster of the user's config file is the one whose names complete, as it
// is the one the command would use; a broken file gives no names, no error.
func TestCompleteClusterFromConfig(t *testing.T) {
	t.Setenv(cmdutil.EnvCluster, "")
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	t.Setenv("MLCTL_CONFIG", cfg)
	if err := os.WriteFile(cfg, []byte("cluster: demo\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, c := fixture()
	f, _ := clitest.Factory(b, c)
	if got, _ := complete(t, f, "model", "show", ""); !slices.Equal(got, []string{"gbm-1", "glm-2"}) {
		t.Errorf("cluster from the config file: %q", got)
	}
	f, _ = clitest.Factory(b, c)
	if got, _ := complete(t, f, "model", "show", "--cluster", "nope", ""); got != nil {
		t.Errorf("--cluster nope (unknown) should win over the file: %q", got)
	}
	if err := os.WriteFile(cfg, []byte("clusterr: demo\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _ = clitest.Factory(b, c)
	if got, directive := complete(t, f, "model", "show", ""); got != nil || directive != noFile {
		t.Errorf("broken config: %q %s", got, directive)
	}
}
