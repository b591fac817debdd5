package hdfs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/hadoopconf"
)

// systemCA is put in SSL_CERT_FILE before anything loads the system roots
// (Go reads them once per process), so a test can be verified by "the
// system roots" without touching the machine's.
var systemCA *testCA

func TestMain(m *testing.M) {
	systemCA = newCA("system test CA")
	dir, err := os.MkdirTemp("", "hdfs-trust-")
	if err != nil {
		panic(err)
	}
	f := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(f, systemCA.pem(), 0o644); err != nil {
		panic(err)
	}
	os.Setenv("SSL_CERT_FILE", f)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(name string) *testCA {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &testCA{cert: c, key: key}
}

func (ca *testCA) pem() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})
}

// server is an HTTPS server on 127.0.0.1 whose certificate ca issued.
func (ca *testCA) server(t *testing.T) *httptest.Server {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized) // what a secure NameNode says without SPNEGO
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func get(t *Trust, url string) error {
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: t.TLSConfig()}}
	resp, err := hc.Get(url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// The system roots verify a server; what the Trust then ships is that
// server's root — not its leaf, not the rest of the system pool — and a
// client trusting only that PEM verifies the same server.
func TestTrustSystemShipsTheRootThatVerified(t *testing.T) {
	tr := TrustSystem()
	if !tr.System() || tr.PEM() != nil {
		t.Fatalf("fresh system trust: system %v, PEM %q", tr.System(), tr.PEM())
	}
	srv := systemCA.server(t)
	if err := get(tr, srv.URL); err != nil {
		t.Fatalf("system roots (SSL_CERT_FILE) do not verify the server: %v", err)
	}
	get(tr, srv.URL) // a second connection adds nothing
	v := tr.Verified()
	if len(v) != 1 || !v[0].Equal(systemCA.cert) {
		t.Fatalf("verified roots %v, want only the system test CA", v)
	}
	shipped, err := TrustPEM("shipped", tr.PEM())
	if err != nil {
		t.Fatal(err)
	}
	if err := get(shipped, srv.URL); err != nil {
		t.Fatalf("the shipped roots do not verify the server the gateway verified: %v", err)
	}
	// A server of another CA: the system roots refuse it, as a trust error.
	other := newCA("other CA").server(t)
	if err := get(tr, other.URL); err == nil || !IsTrustError(err) {
		t.Fatalf("server of an unknown CA: %v (trust error: %v)", err, IsTrustError(err))
	}
	if len(tr.Verified()) != 1 {
		t.Fatalf("a refused server added a root: %v", tr.Verified())
	}
}

// A configured set is used alone — the system roots no longer count — and
// ships whole, whatever verified.
func TestTrustPEMIsExclusiveAndShipsWhole(t *testing.T) {
	a, b := newCA("A"), newCA("B")
	bundle := append(append(a.pem(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"...), b.pem()...)
	tr, err := TrustPEM("MLCTL_HDFS_CA", bundle)
	if err != nil {
		t.Fatal(err)
	}
	if tr.System() {
		t.Fatal("a PEM trust reads as the system roots")
	}
	if err := get(tr, a.server(t).URL); err != nil {
		t.Fatal(err)
	}
	if err := get(tr, systemCA.server(t).URL); !IsTrustError(err) {
		t.Fatalf("a server only the system roots trust: %v, want a trust error", err)
	}
	shipped, err := TrustPEM("shipped", tr.PEM())
	if err != nil {
		t.Fatal(err)
	}
	if err := get(shipped, b.server(t).URL); err != nil {
		t.Fatalf("B was configured but not shipped: %v", err)
	}
	if _, err := TrustPEM("empty.pem", []byte("no PEM here")); err == nil || !strings.Contains(err.Error(), "empty.pem") {
		t.Fatalf("a file without certificates: %v", err)
	}
}

// A truststore named by ssl-client.xml: read, and a wrong password names
// the setting to fix.
func TestTrustStoreFromSSLClientXML(t *testing.T) {
	jks := filepath.Join("..", "internal", "truststore", "testdata", "trust.jks")
	tr, err := TrustStore(&hadoopconf.TrustStore{Location: jks, Type: "jks", Password: "changeit", Source: "ssl-client.xml:3"})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(tr.PEM()), "BEGIN CERTIFICATE"); n != 2 || !strings.Contains(tr.Source, "ssl-client.xml:3") {
		t.Fatalf("%d certificates from %s", n, tr.Source)
	}
	_, err = TrustStore(&hadoopconf.TrustStore{Location: jks, Type: "jks", Password: "nope", Source: "ssl-client.xml:3"})
	if err == nil || !strings.Contains(err.Error(), "ssl.client.truststore.password") || !strings.Contains(err.Error(), jks) {
		t.Fatalf("wrong password: %v", err)
	}
	_, err = TrustStore(&hadoopconf.TrustStore{Location: "/nonexistent.jks", Type: "jks", Source: "ssl-client.xml:3"})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent.jks") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestIsTrustError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("stat /x: %w", x509.UnknownAuthorityError{}), true},
		{x509.HostnameError{Host: "h"}, true},
		{fmt.Errorf("dial tcp: connection refused"), false},
		{nil, false},
	} {
		if got := IsTrustError(tc.err); got != tc.want {
			t.Errorf("IsTrustError(%v) = %v", tc.err, got)
		}
	}
}
