package hdfs

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/mlctl/mlctl/internal/hadoopconf"
	"github.com/mlctl/mlctl/internal/truststore"
)

// Trust is the set of certificate authorities a WebHDFS client verifies the
// NameNodes and DataNodes against, and where that set came from.
//
// Containers inherit nothing from the gateway (the NodeManager passes only
// its whitelisted environment), so the gateway ships them PEM: all of a
// configured set (a trust store, a PEM bundle), or — for the system roots,
// which cannot be listed — the roots that verified a server through this
// Trust's TLSConfig. Either way the containers trust what verified the
// gateway's own connections.
type Trust struct {
	// Source says where the roots came from, for messages
	// ("ssl-client.xml:3 truststore /etc/pki/ts.jks (jks)", "system roots").
	Source string
	roots  *x509.CertPool // nil: the system roots
	pem    []byte         // the configured roots; nil for the system roots

	mu      sync.Mutex
	seen    map[string]bool
	anchors []*x509.Certificate // roots that verified a server, first seen first
}

// TrustCerts trusts exactly certs.
func TrustCerts(source string, certs []*x509.Certificate) *Trust {
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return &Trust{Source: source, roots: pool, pem: truststore.PEM(certs)}
}

// TrustPEM trusts exactly the certificates of a PEM bundle.
func TrustPEM(source string, data []byte) (*Trust, error) {
	var certs []*x509.Certificate
	for rest := data; ; {
		var c *x509.Certificate
		c, rest = nextPEMCert(rest)
		if c == nil {
			break
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s holds no PEM certificate", source)
	}
	return TrustCerts(source, certs), nil
}

// TrustSystem trusts the system roots: on Linux, SSL_CERT_FILE (else the
// distribution's bundle) and SSL_CERT_DIR (else /etc/ssl/certs and the like).
func TrustSystem() *Trust { return &Trust{Source: "the system roots"} }

// TrustStore reads the trust store ssl-client.xml names.
func TrustStore(ts *hadoopconf.TrustStore) (*Trust, error) {
	source := fmt.Sprintf("the truststore %s (%s, ssl.client.truststore.location at %s)", ts.Location, ts.Type, ts.Source)
	data, err := os.ReadFile(ts.Location)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	certs, err := truststore.Read(data, ts.Type, ts.Password)
	if err != nil {
		if errors.Is(err, truststore.ErrIntegrity) {
			err = fmt.Errorf("%w: check ssl.client.truststore.password", err)
		}
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return TrustCerts(source, certs), nil
}

// System reports whether these are the system roots.
func (t *Trust) System() bool { return t.roots == nil }

// TLSConfig verifies servers against the roots and remembers which root
// verified each one.
func (t *Trust) TLSConfig() *tls.Config {
	return &tls.Config{
		RootCAs: t.roots,
		VerifyConnection: func(cs tls.ConnectionState) error {
			// Called after the usual verification succeeded: each chain
			// ends at a certificate of the root pool.
			t.mu.Lock()
			defer t.mu.Unlock()
			for _, chain := range cs.VerifiedChains {
				if len(chain) == 0 {
					continue
				}
				root := chain[len(chain)-1]
				if k := string(root.Raw); !t.seen[k] {
					if t.seen == nil {
						t.seen = map[string]bool{}
					}
					t.seen[k] = true
					t.anchors = append(t.anchors, root)
				}
			}
			return nil
		},
	}
}

// Verified returns the roots that have verified a server so far.
func (t *Trust) Verified() []*x509.Certificate {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]*x509.Certificate(nil), t.anchors...)
}

// PEM is what a client elsewhere needs to trust the same servers: the
// configured roots, all of them; for the system roots, those that verified
// a server so far (nil before any did).
func (t *Trust) PEM() []byte {
	if !t.System() {
		return t.pem
	}
	if v := t.Verified(); len(v) > 0 {
		return truststore.PEM(v)
	}
	return nil
}

// IsTrustError reports whether err is a server certificate the client did
// not accept: an unknown authority, a name mismatch, an expired or otherwise
// invalid certificate.
func IsTrustError(err error) bool {
	var (
		cve *tls.CertificateVerificationError
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		ci  x509.CertificateInvalidError
	)
	return errors.As(err, &cve) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

// nextPEMCert returns the first CERTIFICATE block of data that parses, and
// the rest after it; other blocks (keys, CRLs) are skipped.
func nextPEMCert(data []byte) (*x509.Certificate, []byte) {
	for {
		var blk *pem.Block
		blk, data = pem.Decode(data)
		if blk == nil {
			return nil, nil
		}
		if blk.Type != "CERTIFICATE" || len(blk.Headers) != 0 {
			continue
		}
		if c, err := x509.ParseCertificate(blk.Bytes); err == nil {
			return c, data
		}
	}
}
