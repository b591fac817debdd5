package launcher

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/testcluster"
)

// Issue 12 item 11: on an HTTPS_ONLY cluster the containers trust what the
// gateway trusted, however the gateway came to trust it; a gateway that
// does not trust the cluster's CA fails before submitting.

// httpsCluster is the secure test cluster, which must serve WebHDFS over
// HTTPS only for these tests to mean anything.
func httpsCluster(t *testing.T) *testcluster.Info {
	tc := testcluster.Secure(t)
	if tc.HTTPPolicy != "HTTPS_ONLY" || tc.CAPEM == "" {
		t.Fatalf("the secure test cluster %s runs dfs.http.policy=%s; these tests need HTTPS_ONLY (testcluster/run.sh up DIR, without --transfer http)", tc.Dir, tc.HTTPPolicy)
	}
	return tc
}

// gatewayConf copies the cluster's HADOOP_CONF_DIR without its ssl-client.xml
// and truststore, and writes sslClient (if any) as its ssl-client.xml.
func gatewayConf(t *testing.T, tc *testcluster.Info, sslClient string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"core-site.xml", "hdfs-site.xml", "yarn-site.xml"} {
		data, err := os.ReadFile(filepath.Join(tc.ConfDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if sslClient != "" {
		if err := os.WriteFile(filepath.Join(dir, "ssl-client.xml"), []byte(sslClient), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// keytoolStore makes a trust store of the PEM certificate caFile with the
// JDK's keytool, as an admin would, and returns an ssl-client.xml naming it.
func keytoolStore(t *testing.T, caFile, storeType, password string) (store, sslClient string) {
	t.Helper()
	if _, err := exec.LookPath("keytool"); err != nil {
		t.Fatalf("keytool (JDK 17) not found: %v\n%s", err, testcluster.Help)
	}
	store = filepath.Join(t.TempDir(), "gateway-truststore."+storeType)
	out, err := exec.Command("keytool", "-importcert", "-noprompt", "-alias", "cluster-ca", "-file", caFile,
		"-keystore", store, "-storetype", storeType, "-storepass", password).CombinedOutput()
	if err != nil {
		t.Fatalf("keytool: %v\n%s", err, out)
	}
	prop := func(k, v string) string {
		return "<property><name>" + k + "</name><value>" + v + "</value></property>\n"
	}
	return store, "<?xml version=\"1.0\"?>\n<configuration>\n" + prop("ssl.client.truststore.location", store) +
		prop("ssl.client.truststore.type", storeType) + prop("ssl.client.truststore.password", password) + "</configuration>\n"
}

// putTrustCSV puts a small CSV in the user's HDFS home (through a gateway
// that trusts the CA by MLCTL_HDFS_CA) and returns its hdfs:// URL.
func putTrustCSV(t *testing.T, tc *testcluster.Info, name string) string {
	t.Helper()
	y := newYARN(t, tc)
	y.HDFSCA = tc.CAPEM
	p := "/user/" + tc.User + "/" + name
	putHDFS(t, y, p, csvRows(3000))
	return "hdfs://" + p
}

// otherCA is the PEM file of a CA that signed nothing on the cluster.
func otherCA(t *testing.T) string {
	t.Helper()
	sec, err := cloud.MintSecrets("not-the-cluster", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "other-ca.pem", sec.CACertPEM)
}

// mlctlCLI runs the real binary as a user at the gateway would, in a fresh
// process: Go reads the system roots once per process, so SSL_CERT_FILE
// can only be tested this way.
func mlctlCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(mlctlBin, args...)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ours := env[k]; !ours && k != "MLCTL_HDFS_CA" && k != "SSL_CERT_DIR" && k != "MLCTL_CLUSTER" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	t.Logf("mlctl %s: exit %d (%s)", strings.Join(args, " "), code, strings.TrimSpace(e.String()))
	return o.String(), e.String(), code
}

// cleanupHome deletes what a CLI run left in home, with a gateway that trusts
// the CA, even if the test failed half-way.
func cleanupHome(t *testing.T, tc *testcluster.Info, home string) {
	t.Cleanup(func() {
		y := NewYARN(home, mlctlBin)
		y.HDFSCA = tc.CAPEM
		recs, _ := y.List(context.Background())
		for _, r := range recs {
			y.Delete(context.Background(), r.Name)
		}
	})
}

// (a) The gateway trusts the cluster's CA only through its system roots
// (SSL_CERT_FILE; no ssl-client.xml, no MLCTL_HDFS_CA): launch works, and so
// does an import from HDFS in the containers, which inherit no environment
// and trust only what the gateway shipped.
func TestYARNTrustSystemRootsReachContainers(t *testing.T) {
	tc := httpsCluster(t)
	tc.Kinit(t)
	src := putTrustCSV(t, tc, "trust-sys.csv")
	home := t.TempDir()
	cleanupHome(t, tc, home)
	env := map[string]string{"HADOOP_CONF_DIR": gatewayConf(t, tc, ""), "SSL_CERT_FILE": tc.CAPEM, "MLCTL_HOME": home}
	start := time.Now()
	if _, _, code := mlctlCLI(t, env, "cluster", "launch", "sysroots", "--backend", "yarn", "--nodes", "1", "--memory", "256m", "--wait"); code != 0 {
		t.Fatalf("launch with the CA in SSL_CERT_FILE: exit %d", code)
	}
	t.Logf("launched in %s", time.Since(start).Round(time.Millisecond))
	out, _, code := mlctlCLI(t, env, "frame", "import", "--cluster", "sysroots", src, "--name", "f")
	if code != 0 || !regexp.MustCompile(`(?m)^f\t3000\t3\t`).MatchString(out) {
		t.Fatalf("import of %s in the containers: exit %d, %q", src, code, out)
	}
	if _, _, code := mlctlCLI(t, env, "cluster", "stop", "sysroots"); code != 0 {
		t.Fatalf("stop: exit %d", code)
	}
}

// (b) The gateway trusts the CA only through ssl-client.xml's truststore,
// made with keytool: JKS launches and imports in the containers; PKCS12
// (and a JKS read under the other type name, as Java 9+ does) passes the
// check and ships the same CA.
func TestYARNTrustSSLClientTruststore(t *testing.T) {
	tc := httpsCluster(t)
	src := putTrustCSV(t, tc, "trust-jks.csv")
	t.Setenv("MLCTL_HDFS_CA", "")
	ctx := context.Background()
	caPEM, err := os.ReadFile(tc.CAPEM)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ storeType, declared string }{{"pkcs12", "pkcs12"}, {"jks", "pkcs12"}, {"jks", "jks"}} {
		store, ssl := keytoolStore(t, tc.CAPEM, c.storeType, "gw-secret-1")
		if c.declared != c.storeType {
			ssl = strings.Replace(ssl, "<value>"+c.storeType+"</value>", "<value>"+c.declared+"</value>", 1)
		}
		y := newYARN(t, tc)
		y.HDFSCA = ""
		t.Setenv("HADOOP_CONF_DIR", gatewayConf(t, tc, ssl))
		if err := y.setup(ctx); err != nil {
			t.Fatalf("%s: %v", store, err)
		}
		if !strings.Contains(y.trust.Source, store) {
			t.Fatalf("the gateway trusts %s, want the truststore %s", y.trust.Source, store)
		}
		if err := y.checkWebHDFS(ctx); err != nil {
			t.Fatalf("%s store declared %s: %v", c.storeType, c.declared, err)
		}
		if !bytes.Equal(bytes.TrimSpace(y.trust.PEM()), bytes.TrimSpace(caPEM)) {
			t.Fatalf("%s: the containers would get %q, want the cluster CA", store, y.trust.PEM())
		}
		if c.storeType != c.declared || c.storeType != "jks" {
			continue
		}
		launchYARN(t, y, Spec{Name: "jks", Backend: "yarn", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1})
		cl, err := y.Client(ctx, "jks")
		if err != nil {
			t.Fatal(err)
		}
		j, err := cl.ImportFrame(ctx, api.ImportRequest{Paths: []string{src}, Name: "f"})
		if err == nil {
			_, err = cl.WaitJob(ctx, j.ID, nil)
		}
		if err != nil {
			t.Fatalf("import of %s in the containers: %v", src, err)
		}
		if fi, err := cl.Frame(ctx, "f"); err != nil || fi.Rows != 3000 {
			t.Fatalf("frame %+v %v", fi, err)
		}
		if err := y.Stop(ctx, "jks"); err != nil {
			t.Fatal(err)
		}
	}
}

// (c) A gateway that does not trust the cluster's CA: the launch fails
// before anything is submitted, exit 1, and the hint names the settings —
// from the CLI with only (unrelated) system roots, and with an ssl-client.xml
// truststore of another CA.
func TestYARNTrustUntrustedGatewayFailsBeforeSubmit(t *testing.T) {
	tc := httpsCluster(t)
	tc.Kinit(t)
	other := otherCA(t)
	hintWords := []string{"ssl.client.truststore.location", "ssl.client.truststore.type", "ssl.client.truststore.password", "ssl-client.xml", "MLCTL_HDFS_CA", "SSL_CERT_FILE"}

	home := t.TempDir()
	cleanupHome(t, tc, home)
	env := map[string]string{"HADOOP_CONF_DIR": gatewayConf(t, tc, ""), "SSL_CERT_FILE": other, "MLCTL_HOME": home}
	_, stderr, code := mlctlCLI(t, env, "cluster", "launch", "untrusted", "--backend", "yarn", "--nodes", "1", "--memory", "256m", "--wait")
	if code != 1 || !strings.Contains(stderr, "x509") || !strings.Contains(stderr, "system roots") {
		t.Fatalf("exit %d, stderr %q: want 1, the x509 cause and what the gateway trusts", code, stderr)
	}
	for _, w := range hintWords {
		if !strings.Contains(stderr, "hint: ") || !strings.Contains(stderr[strings.Index(stderr, "hint: "):], w) {
			t.Errorf("the hint does not name %s: %q", w, stderr)
		}
	}
	if out, _, _ := mlctlCLI(t, env, "cluster", "list"); strings.Contains(out, "untrusted") {
		t.Errorf("a refused launch left a record: %q", out)
	}

	_, ssl := keytoolStore(t, other, "jks", "gw-secret-2")
	t.Setenv("MLCTL_HDFS_CA", "")
	y := newYARN(t, tc)
	y.HDFSCA = ""
	t.Setenv("HADOOP_CONF_DIR", gatewayConf(t, tc, ssl))
	_, err := y.Launch(context.Background(), Spec{Name: "untrusted", Backend: "yarn", Nodes: 1, MemoryBytes: 256 << 20, VCores: 1}, true, nil)
	if errs.Code(err) != errs.Error || !strings.Contains(err.Error(), "truststore") {
		t.Fatalf("truststore of another CA: code %d, %v", errs.Code(err), err)
	}
	for _, w := range hintWords {
		if !strings.Contains(errs.Hint(err), w) {
			t.Errorf("hint %q does not name %s", errs.Hint(err), w)
		}
	}
	live, err := y.rest.Apps().List(context.Background(), ListLive("untrusted"))
	if err != nil || len(live) != 0 {
		t.Fatalf("an application was submitted for a refused launch: %v %v", live, err)
	}
	if _, err := os.Stat(y.dir("untrusted")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a record was left for a refused launch: %v", err)
	}
}
