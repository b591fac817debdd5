package testcluster

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

// Info is the cluster.json the harness writes.
type Info struct {
	Dir           string `json:"-"`
	Secure        bool   `json:"secure"`
	Realm         string `json:"realm"`
	KDC           string `json:"kdc"`
	Krb5Conf      string `json:"krb5_conf"`
	User          string `json:"user"`
	UserPrincipal string `json:"user_principal"`
	UserKeytab    string `json:"user_keytab"`
	FSDefaultFS   string `json:"fs_default_fs"`
	NameNodeRPC   string `json:"namenode_rpc"`
	WebHDFS       string `json:"webhdfs"`
	RMWebapp      string `json:"rm_webapp"`
	RMScheduler   string `json:"rm_scheduler"`
	RMPrincipal   string `json:"rm_principal"`
	HTTPPrincipal string `json:"http_principal"`
	ConfDir       string `json:"conf_dir"`
	RPCProtection string `json:"rpc_protection"`
	HTTPPolicy    string `json:"http_policy"`
	CAPEM         string `json:"ca_pem"`
	NMLogDirs     string `json:"nm_log_dirs"`
	StartupMS     int64  `json:"startup_ms"`
}

// Help says how to get what the integration tests need.
const Help = "the secure test cluster needs Java 17, Maven and MIT Kerberos tools " +
	"(apt-get install -y openjdk-17-jdk-headless maven krb5-user; `make deps` does it); " +
	"then `make testcluster-up` and MLCTL_TESTCLUSTER=/tmp/mlctl-testcluster, or let the tests start one; " +
	"`go test -short` skips these tests"

var (
	mu      sync.Mutex
	started = map[string]*Info{} // by flags
	errs    = map[string]error{}
	ours    []string // dirs this process started
)

// Secure returns the secure cluster (skipping under -short).
func Secure(t testing.TB) *Info { return get(t, "") }

// Insecure returns a cluster in simple-auth mode, always started by this
// process (MLCTL_TESTCLUSTER names a secure one).
func Insecure(t testing.TB) *Info { return get(t, "--insecure") }

func get(t testing.TB, flags string) *Info {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test against the test cluster; skipped with -short")
	}
	mu.Lock()
	defer mu.Unlock()
	if info, ok := started[flags]; ok {
		return info
	}
	if err, ok := errs[flags]; ok {
		t.Fatalf("%v\n%s", err, Help)
	}
	info, err := start(flags)
	if err != nil {
		errs[flags] = err
		t.Fatalf("%v\n%s", err, Help)
	}
	started[flags] = info
	return info
}

func start(flags string) (*Info, error) {
	dir := os.Getenv("MLCTL_TESTCLUSTER")
	if dir != "" && flags == "" {
		return load(strings.TrimSuffix(dir, "/cluster.json"))
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	dir, err = os.MkdirTemp("", "mlctl-tc-")
	if err != nil {
		return nil, err
	}
	args := []string{filepath.Join(root, "testcluster", "run.sh"), "up", dir}
	if flags != "" {
		args = append(args, strings.Fields(flags)...)
	}
	cmd := exec.Command("bash", args...)
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		tail, _ := os.ReadFile(filepath.Join(dir, "testcluster.out"))
		return nil, fmt.Errorf("testcluster/run.sh up %s: %v\n%s\n%s", dir, err, stderr, lastLines(string(tail), 20))
	}
	ours = append(ours, dir)
	_ = out
	return load(dir)
}

func load(dir string) (*Info, error) {
	data, err := os.ReadFile(filepath.Join(dir, "cluster.json"))
	if err != nil {
		return nil, fmt.Errorf("test cluster %s: %w", dir, err)
	}
	var info Info
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("%s/cluster.json: %v", dir, err)
	}
	info.Dir = dir
	return &info, nil
}

// Main runs the tests, then stops the clusters this process started.
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if root, err := RepoRoot(); err == nil {
		for _, dir := range ours {
			exec.Command("bash", filepath.Join(root, "testcluster", "run.sh"), "down", dir).Run()
			os.RemoveAll(dir)
		}
	}
	return code
}

// Kinit logs the test user in with MIT kinit into a fresh FILE cache and
// points KRB5CCNAME and KRB5_CONFIG at it for the rest of the test, as a
// user at a gateway would.
func (i *Info) Kinit(t testing.TB, extra ...string) string {
	t.Helper()
	cc := "FILE:" + filepath.Join(t.TempDir(), "ccache")
	t.Setenv("KRB5_CONFIG", i.Krb5Conf)
	t.Setenv("KRB5CCNAME", cc)
	args := append(append([]string{}, extra...), "-kt", i.UserKeytab, i.UserPrincipal)
	if out, err := exec.Command("kinit", args...).CombinedOutput(); err != nil {
		t.Fatalf("kinit: %v\n%s\n%s", err, out, Help)
	}
	return cc
}

// Gateway sets the test up as a user at a gateway of this cluster: a ticket
// from kinit (secure clusters) or HADOOP_USER_NAME, HADOOP_CONF_DIR, and the
// cluster CA in MLCTL_HDFS_CA when WebHDFS is HTTPS only.
func (i *Info) Gateway(t testing.TB) {
	t.Helper()
	if i.Secure {
		i.Kinit(t)
	} else {
		t.Setenv("HADOOP_USER_NAME", i.User)
	}
	t.Setenv("HADOOP_CONF_DIR", i.ConfDir)
	if i.HTTPPolicy == "HTTPS_ONLY" {
		t.Setenv("MLCTL_HDFS_CA", i.CAPEM)
	}
}

// RepoRoot finds the repository's top directory from the working directory.
func RepoRoot() (string, error) {
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

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
