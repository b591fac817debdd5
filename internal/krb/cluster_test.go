package krb

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The secure test cluster (testcluster/run.sh): MiniKdc + secure HDFS + YARN.
// MLCTL_TESTCLUSTER=/path/cluster.json reuses a running one; otherwise the
// first test that needs it starts one and TestMain stops it.

type testClusterInfo struct {
	Realm         string `json:"realm"`
	KDC           string `json:"kdc"`
	Krb5Conf      string `json:"krb5_conf"`
	User          string `json:"user"`
	UserPrincipal string `json:"user_principal"`
	UserKeytab    string `json:"user_keytab"`
	RMWebapp      string `json:"rm_webapp"`
	ConfDir       string `json:"conf_dir"`
	HTTPPrincipal string `json:"http_principal"`
}

var (
	clusterOnce sync.Once
	clusterInfo *testClusterInfo
	clusterErr  error
	clusterDir  string // set when this process started the cluster
)

const clusterHelp = "the secure test cluster is needed: it takes Java 17 and Maven " +
	"(apt-get install -y openjdk-17-jdk-headless maven krb5-user), then `bash testcluster/run.sh up DIR` " +
	"and MLCTL_TESTCLUSTER=DIR/cluster.json, or let the test start it; `go test -short` skips these tests"

func testCluster(t *testing.T) *testClusterInfo {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test against the secure test cluster; skipped with -short")
	}
	clusterOnce.Do(func() { clusterInfo, clusterErr = startCluster() })
	if clusterErr != nil {
		t.Fatalf("%v\n%s", clusterErr, clusterHelp)
	}
	return clusterInfo
}

func startCluster() (*testClusterInfo, error) {
	path := os.Getenv("MLCTL_TESTCLUSTER")
	if path == "" {
		root, err := repoRoot()
		if err != nil {
			return nil, err
		}
		dir, err := os.MkdirTemp("", "mlctl-krb-tc-")
		if err != nil {
			return nil, err
		}
		out, err := exec.Command("bash", filepath.Join(root, "testcluster", "run.sh"), "up", dir).Output()
		if err != nil {
			var stderr string
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			return nil, fmt.Errorf("testcluster/run.sh up %s: %v\n%s", dir, err, stderr)
		}
		clusterDir = dir
		path = strings.TrimSpace(string(out))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var info testClusterInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &info, nil
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "testcluster", "run.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("testcluster/run.sh not found above the test's directory")
		}
		dir = parent
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if clusterDir != "" {
		if root, err := repoRoot(); err == nil {
			exec.Command("bash", filepath.Join(root, "testcluster", "run.sh"), "down", clusterDir).Run()
		}
		os.RemoveAll(clusterDir)
	}
	os.Exit(code)
}
