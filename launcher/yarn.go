package launcher

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mlctl/mlctl/engine/source"
	"github.com/mlctl/mlctl/hdfs"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/hadoopconf"
	"github.com/mlctl/mlctl/internal/krb"
	"github.com/mlctl/mlctl/yarn"
)

// YARN runs clusters as YARN applications: a Go ApplicationMaster and one
// container per engine node, started from the gateway over the RM REST API
// with the user's Kerberos ticket; nobody in the cluster needs a keytab.
type YARN struct {
	Home       string // $MLCTL_HOME: the gateway's copy of cluster records
	Executable string // the mlctl binary staged to HDFS for the containers
	ConfDir    string // "" = $HADOOP_CONF_DIR
	Krb        krb.Options
	// HDFSCA is a PEM bundle trusted, alone, for WebHDFS over HTTPS
	// (MLCTL_HDFS_CA); "" = ssl-client.xml's truststore, else the system
	// roots (see hdfsTrust). What verified WebHDFS travels to the containers.
	HDFSCA string
	Now    func() time.Time

	once    sync.Once
	initErr error
	conf    *hadoopconf.Conf
	sess    *krb.Session
	user    string
	rest    *yarn.Client
	web     *hdfs.WebHDFS
	webHC   *http.Client // web's transport without SPNEGO
	trust   *hdfs.Trust  // nil over plain HTTP
	// authorities name the default file system in hdfs:// URLs.
	authorities []string
}

// NewYARN makes the yarn backend; nothing is contacted until first use.
func NewYARN(home, exe string) *YARN {
	return &YARN{Home: home, Executable: exe, HDFSCA: os.Getenv("MLCTL_HDFS_CA"), Now: time.Now}
}

func (y *YARN) Name() string { return "yarn" }

// setup loads the Hadoop configuration, logs in to Kerberos when the cluster
// is secure, and makes the REST and WebHDFS clients.
func (y *YARN) setup(ctx context.Context) error {
	y.once.Do(func() { y.initErr = y.doSetup(ctx) })
	return y.initErr
}

func (y *YARN) doSetup(ctx context.Context) error {
	var err error
	if y.ConfDir != "" {
		y.conf, err = hadoopconf.Load(y.ConfDir)
	} else {
		y.conf, err = hadoopconf.LoadEnv()
	}
	if err != nil {
		return errs.New(errs.Error, err, "set HADOOP_CONF_DIR to the directory with core-site.xml, hdfs-site.xml and yarn-site.xml")
	}
	if y.conf.SecurityEnabled() {
		if y.sess, err = krb.Login(ctx, y.Krb); err != nil {
			return err
		}
		y.user = shortName(y.sess.Client().Credentials.CName().PrincipalNameString())
	} else if hu := os.Getenv("HADOOP_USER_NAME"); hu != "" {
		y.user = hu // simple auth: Hadoop's own clients honour it too
	} else if u, err := user.Current(); err == nil {
		y.user = u.Username
	}
	if y.rest, err = yarn.NewFromConf(y.conf, y.sess, y.user); err != nil {
		return err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if y.conf.HDFSHTTPS() {
		if y.trust, err = y.hdfsTrust(); err != nil {
			return err
		}
		tr.TLSClientConfig = y.trust.TLSConfig()
	}
	y.webHC = &http.Client{Transport: tr}
	nns, err := y.conf.NameNodes("")
	if err != nil {
		return err
	}
	if y.authorities, err = y.conf.DefaultFSAuthorities(); err != nil {
		return err
	}
	y.web = &hdfs.WebHDFS{HTTP: &spnegoDoer{hc: y.webHC, sess: y.sess}}
	for _, nn := range nns {
		y.web.Bases = append(y.web.Bases, nn.HTTPURL)
	}
	if y.sess == nil {
		y.web.User = y.user
	}
	return nil
}

// spnegoDoer authenticates each request to a Hadoop web endpoint with SPNEGO
// (when there is a Kerberos session).
type spnegoDoer struct {
	hc   *http.Client
	sess *krb.Session
}

func (d *spnegoDoer) Do(req *http.Request) (*http.Response, error) {
	if d.sess != nil && !strings.Contains(req.URL.RawQuery, "delegation=") {
		if err := d.sess.SetSPNEGOHeader(req.Context(), req, ""); err != nil {
			return nil, err
		}
	}
	return d.hc.Do(req)
}

func shortName(principal string) string {
	if i := strings.IndexAny(principal, "/@"); i >= 0 {
		return principal[:i]
	}
	return principal
}

func (y *YARN) dir(name string) string { return filepath.Join(y.Home, "clusters", name) }

// hdfsHome is the user's HDFS home, where the binary and records go.
func (y *YARN) hdfsHome() string { return "/user/" + y.user }

func (y *YARN) recordPath(name string) string {
	return y.hdfsHome() + "/.mlctl/clusters/" + name + "/record.json"
}

var errNoAM = errors.New("the ApplicationMaster has not registered yet")

func tlsConfig(pool *x509.CertPool) *tls.Config {
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS13}
}

// HDFS returns the gateway's WebHDFS client (Kerberos-authenticated on a
// secure cluster), for commands that read or write hdfs:// paths
// themselves, such as model export and score.
func (y *YARN) HDFS(ctx context.Context) (*GatewayHDFS, error) {
	if err := y.setup(ctx); err != nil {
		return nil, err
	}
	return &GatewayHDFS{WebHDFS: y.web, authorities: y.authorities, defaultFS: y.conf.DefaultFS()}, nil
}

// GatewayHDFS is the gateway's WebHDFS client of the default file system.
type GatewayHDFS struct {
	*hdfs.WebHDFS
	authorities []string
	defaultFS   string
}

// CheckAuthority refuses an hdfs:// URL authority that names another file
// system than the default one ("" is the default).
func (g *GatewayHDFS) CheckAuthority(authority string) error {
	return source.CheckAuthority(authority, g.authorities, g.defaultFS)
}

// Identity is who the gateway acts as on Hadoop: the Kerberos principal
// ("" without Kerberos) and the short user name.
func (y *YARN) Identity(ctx context.Context) (principal, user string, err error) {
	if err := y.setup(ctx); err != nil {
		return "", "", err
	}
	if y.sess != nil {
		principal = y.sess.Client().Credentials.CName().PrincipalNameString() + "@" + y.sess.Client().Credentials.Domain()
	}
	return principal, y.user, nil
}
