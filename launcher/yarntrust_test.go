package launcher

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/internal/errs"
)

// fakeNameNode serves WebHDFS over HTTPS with a certificate of a fresh CA:
// GETFILESTATUS answers 401 as a secure NameNode does without SPNEGO, OPEN
// redirects to its own "DataNode" path, which serves one byte.
func fakeNameNode(t *testing.T) (srv *httptest.Server, caPEM []byte) {
	t.Helper()
	sec, err := cloud.MintSecrets("trust-test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := sec.NodeCertificate([]string{"127.0.0.1", "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/datanode":
			w.Write([]byte("M"))
		case r.URL.Query().Get("op") == "OPEN":
			http.Redirect(w, r, "/datanode", http.StatusTemporaryRedirect)
		default:
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, sec.CACertPEM
}

// trustConf writes a simple-auth HADOOP_CONF_DIR whose NameNodes' web
// servers are https://addrs; extra files (ssl-client.xml) go beside.
func trustConf(t *testing.T, addrs []string, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	prop := func(k, v string) string { return "<property><name>" + k + "</name><value>" + v + "</value></property>" }
	hdfsSite := prop("dfs.http.policy", "HTTPS_ONLY")
	if len(addrs) == 1 {
		hdfsSite += prop("dfs.namenode.https-address", addrs[0])
	} else {
		hdfsSite += prop("dfs.nameservices", "ns") + prop("dfs.ha.namenodes.ns", "nn1,nn2")
		for i, a := range addrs {
			id := []string{"nn1", "nn2"}[i]
			hdfsSite += prop("dfs.namenode.rpc-address.ns."+id, "127.0.0.1:8020") + prop("dfs.namenode.https-address.ns."+id, a)
		}
	}
	fs := "hdfs://127.0.0.1:8020"
	if len(addrs) > 1 {
		fs = "hdfs://ns"
	}
	files := map[string]string{
		"core-site.xml": "<configuration>" + prop("fs.defaultFS", fs) + "</configuration>",
		"hdfs-site.xml": "<configuration>" + hdfsSite + "</configuration>",
		"yarn-site.xml": "<configuration>" + prop("yarn.resourcemanager.webapp.address", "127.0.0.1:1") + "</configuration>",
	}
	for k, v := range extra {
		files[k] = v
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func addrOf(srv *httptest.Server) string { return strings.TrimPrefix(srv.URL, "https://") }

// deadAddr is a loopback port nothing listens on.
func deadAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := l.Addr().String()
	l.Close()
	return a
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Which roots the gateway uses, and the check before anything is staged:
// a certificate the gateway does not accept is exit 1 with a hint naming
// ssl-client.xml's settings, MLCTL_HDFS_CA and SSL_CERT_FILE.
func TestWebHDFSTrustChoiceAndCheck(t *testing.T) {
	nn, caPEM := fakeNameNode(t)
	_, otherPEM := fakeNameNode(t)
	caFile := writeFile(t, "ca.pem", caPEM)
	otherFile := writeFile(t, "other.pem", otherPEM)
	jks, err := filepath.Abs(filepath.Join("..", "internal", "truststore", "testdata", "trust.jks"))
	if err != nil {
		t.Fatal(err)
	}
	sslClient := map[string]string{"ssl-client.xml": "<configuration>" +
		"<property><name>ssl.client.truststore.location</name><value>" + jks + "</value></property>" +
		"<property><name>ssl.client.truststore.password</name><value>changeit</value></property></configuration>"}
	for _, tc := range []struct {
		name   string
		hdfsCA string // MLCTL_HDFS_CA
		extra  map[string]string
		source string // in the trust's Source
		ok     bool
	}{
		{"MLCTL_HDFS_CA alone", caFile, nil, "MLCTL_HDFS_CA", true},
		{"MLCTL_HDFS_CA beats ssl-client.xml", caFile, sslClient, "MLCTL_HDFS_CA", true},
		{"ssl-client.xml's truststore, another CA", "", sslClient, "truststore " + jks, false},
		{"MLCTL_HDFS_CA of another CA", otherFile, nil, "MLCTL_HDFS_CA", false},
		{"nothing configured: the system roots", "", nil, "system roots", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("HADOOP_USER_NAME", "alice")
			y := &YARN{Home: t.TempDir(), ConfDir: trustConf(t, []string{addrOf(nn)}, tc.extra), HDFSCA: tc.hdfsCA, Now: time.Now}
			ctx := context.Background()
			if err := y.setup(ctx); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(y.trust.Source, tc.source) {
				t.Fatalf("trust from %q, want %q", y.trust.Source, tc.source)
			}
			err := y.checkWebHDFS(ctx)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				roots, err := y.containerRoots(ctx, "/user/alice/.mlctl/bin/mlctl-x")
				if err != nil || string(roots) != string(caPEM) {
					t.Fatalf("containers get %q (%v), want MLCTL_HDFS_CA's PEM", roots, err)
				}
				return
			}
			if errs.Code(err) != errs.Error || !strings.Contains(err.Error(), "x509") || !strings.Contains(err.Error(), tc.source) {
				t.Fatalf("code %d, %v: want exit 1, the x509 cause and the trust used (%s)", errs.Code(err), err, tc.source)
			}
			for _, want := range []string{"ssl.client.truststore.location", "ssl.client.truststore.type", "ssl.client.truststore.password", "ssl-client.xml", "MLCTL_HDFS_CA", "SSL_CERT_FILE"} {
				if !strings.Contains(errs.Hint(err), want) {
					t.Errorf("hint %q does not name %s", errs.Hint(err), want)
				}
			}
		})
	}
}

// HA: a NameNode that is down is tolerated while the other answers; one
// whose certificate is refused is not; none answering is an error too.
func TestWebHDFSCheckHA(t *testing.T) {
	good, caPEM := fakeNameNode(t)
	untrusted, _ := fakeNameNode(t)
	caFile := writeFile(t, "ca.pem", caPEM)
	t.Setenv("HADOOP_USER_NAME", "alice")
	for _, tc := range []struct {
		name  string
		addrs []string
		err   string
	}{
		{"one down", []string{deadAddr(t), addrOf(good)}, ""},
		{"one untrusted", []string{addrOf(good), addrOf(untrusted)}, "x509"},
		{"both down", []string{deadAddr(t), deadAddr(t)}, "no NameNode's WebHDFS answers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := &YARN{Home: t.TempDir(), ConfDir: trustConf(t, tc.addrs, nil), HDFSCA: caFile, Now: time.Now}
			ctx := context.Background()
			if err := y.setup(ctx); err != nil {
				t.Fatal(err)
			}
			err := y.checkWebHDFS(ctx)
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if errs.Code(err) != errs.Error || err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("code %d, %v; want exit 1 saying %q", errs.Code(err), err, tc.err)
			}
		})
	}
}

// A broken truststore setting fails setup with the file to fix, and plain
// HTTP needs no trust at all (a stale ssl-client.xml does not matter).
func TestWebHDFSTrustStoreErrors(t *testing.T) {
	t.Setenv("HADOOP_USER_NAME", "alice")
	bad := map[string]string{"ssl-client.xml": "<configuration>" +
		"<property><name>ssl.client.truststore.location</name><value>/nonexistent/ts.jks</value></property></configuration>"}
	y := &YARN{Home: t.TempDir(), ConfDir: trustConf(t, []string{"127.0.0.1:1"}, bad), Now: time.Now}
	err := y.setup(context.Background())
	if errs.Code(err) != errs.Error || !strings.Contains(err.Error(), "/nonexistent/ts.jks") || !strings.Contains(errs.Hint(err), "ssl-client.xml") {
		t.Fatalf("missing truststore: code %d, %v, hint %q", errs.Code(err), err, errs.Hint(err))
	}
	dir := trustConf(t, []string{"127.0.0.1:1"}, bad)
	os.WriteFile(filepath.Join(dir, "hdfs-site.xml"), []byte("<configuration><property><name>dfs.http.policy</name><value>HTTP_ONLY</value></property></configuration>"), 0o644)
	y = &YARN{Home: t.TempDir(), ConfDir: dir, Now: time.Now}
	if err := y.setup(context.Background()); err != nil || y.trust != nil {
		t.Fatalf("HTTP_ONLY: %v, trust %v", err, y.trust)
	}
}
