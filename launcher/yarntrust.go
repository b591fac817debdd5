package launcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/mlctl/mlctl/hdfs"
	"github.com/mlctl/mlctl/internal/errs"
)

// trustHint is what to do when the gateway does not trust WebHDFS's
// certificates: the three places mlctl takes the trust from, in order.
const trustHint = "make the gateway trust the CA that issued the NameNodes' and DataNodes' certificates, one of: " +
	"ssl.client.truststore.location (with ssl.client.truststore.type jks|pkcs12 and ssl.client.truststore.password) " +
	"in ssl-client.xml of HADOOP_CONF_DIR, as the hadoop command uses it; MLCTL_HDFS_CA=/path/ca.pem; " +
	"or the system roots (SSL_CERT_FILE=/path/ca.pem or the distribution's CA bundle)"

// hdfsTrust picks the roots the gateway verifies WebHDFS against. The first
// of these that is configured is used alone:
//
//  1. MLCTL_HDFS_CA (y.HDFSCA), a PEM bundle: the explicit override, as
//     every MLCTL_* setting beats the Hadoop XML;
//  2. the truststore of ssl-client.xml, which the hadoop command on this
//     gateway uses (its truststore replaces the JVM's defaults, it does
//     not add to them);
//  3. the system roots (SSL_CERT_FILE, SSL_CERT_DIR, the distribution's
//     bundle).
//
// Alone, not merged: the gateway then verifies with exactly the roots the
// containers get (see containerRoots), so a launch that gets past
// checkWebHDFS will not meet an unknown authority at import time.
func (y *YARN) hdfsTrust() (*hdfs.Trust, error) {
	if y.HDFSCA != "" {
		data, err := os.ReadFile(y.HDFSCA)
		if err != nil {
			return nil, errs.New(errs.Error, fmt.Errorf("MLCTL_HDFS_CA: %w", err), "point MLCTL_HDFS_CA at a PEM file of the CA that signed the NameNodes' certificates, or unset it")
		}
		tr, err := hdfs.TrustPEM("MLCTL_HDFS_CA="+y.HDFSCA, data)
		if err != nil {
			return nil, errs.New(errs.Error, err, "MLCTL_HDFS_CA must name a PEM file (-----BEGIN CERTIFICATE-----); a JKS or PKCS12 store goes in ssl-client.xml")
		}
		return tr, nil
	}
	ts, err := y.conf.SSLClientTrustStore()
	if err != nil {
		return nil, errs.New(errs.Error, err, "fix ssl-client.xml in HADOOP_CONF_DIR")
	}
	if ts != nil {
		tr, err := hdfs.TrustStore(ts)
		if err != nil {
			return nil, errs.New(errs.Error, err, "fix ssl.client.truststore.location/.type/.password in "+ts.Conf+", or set MLCTL_HDFS_CA=/path/ca.pem to use a PEM file instead")
		}
		return tr, nil
	}
	return hdfs.TrustSystem(), nil
}

// trustFailure turns a certificate the gateway did not accept into an error
// that says what the gateway trusts and how to change it; other errors pass
// unchanged (an expired ticket stays an auth error).
func (y *YARN) trustFailure(err error) error {
	if err == nil || y.trust == nil || !hdfs.IsTrustError(err) {
		return err
	}
	return errs.New(errs.Error, fmt.Errorf("%w (the gateway verifies WebHDFS with %s)", err, y.trust.Source), trustHint)
}

// checkWebHDFS makes sure, before anything is staged or submitted, that the
// gateway reaches the NameNodes' web servers and, over HTTPS, accepts their
// certificates. One unauthenticated GETFILESTATUS of the user's home per
// NameNode: any HTTP answer will do (401 on a secure cluster), only the
// connection counts. A NameNode that is down is tolerated while another one
// answers (HA); one whose certificate is refused is not, since the
// containers would fail on it after a failover.
func (y *YARN) checkWebHDFS(ctx context.Context) error {
	var down []string
	for _, base := range y.web.Bases {
		u := strings.TrimRight(base, "/") + "/webhdfs/v1/user/" + url.PathEscape(y.user) + "?op=GETFILESTATUS"
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
		if err != nil {
			cancel()
			return err
		}
		resp, err := y.webHC.Do(req)
		if err == nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
		}
		cancel()
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is said once, as base
		}
		if hdfs.IsTrustError(err) {
			return y.trustFailure(fmt.Errorf("WebHDFS at %s: %w", base, err))
		}
		down = append(down, fmt.Sprintf("%s: %v", base, err))
	}
	if len(down) == len(y.web.Bases) {
		return errs.New(errs.Error, fmt.Errorf("no NameNode's WebHDFS answers (%s)", strings.Join(down, "; ")),
			"check that the NameNodes are up and that hdfs-site.xml names their web addresses (dfs.namenode.http-address, or dfs.namenode.https-address with dfs.http.policy=HTTPS_ONLY)")
	}
	return nil
}

// containerRoots returns the PEM the containers trust for WebHDFS (nil over
// plain HTTP): the configured roots whole, or — with the system roots, which
// cannot be listed — the roots that verified the NameNodes and a DataNode
// for this gateway. A DataNode is reached by reading the first byte of the
// staged binary (WebHDFS redirects reads to one), as the nodes' imports will.
func (y *YARN) containerRoots(ctx context.Context, binPath string) ([]byte, error) {
	if y.trust == nil {
		return nil, nil
	}
	rc, err := y.web.Open(ctx, binPath, 0, 1)
	if err == nil {
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
	}
	if err != nil {
		return nil, y.trustFailure(fmt.Errorf("reading from a DataNode: %w", err))
	}
	roots := y.trust.PEM()
	if len(roots) == 0 {
		return nil, errs.New(errs.Error, errors.New("no certificate authority verified WebHDFS, so none can be given to the containers"), trustHint)
	}
	return roots, nil
}
