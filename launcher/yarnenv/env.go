package yarnenv

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/engine/source"
	"github.com/mlctl/mlctl/hdfs"
	"github.com/mlctl/mlctl/yarn/token"
)

// Secret aliases the yarn backend puts in the application's credentials.
// YARN hands the credentials to the AM and the AM to every node container, so
// nobody in the cluster needs a keytab or a file from the gateway.
const (
	SecretCACert = "mlctl.ca.cert"
	SecretCAKey  = "mlctl.ca.key"
	SecretToken  = "mlctl.token"
	SecretHDFSCA = "mlctl.hdfs.ca" // PEM the gateway trusted for WebHDFS over HTTPS
)

// Environment variables of our containers (besides YARN's own).
const (
	EnvWebHDFS = "MLCTL_WEBHDFS" // comma-separated NameNode HTTP(S) base URLs
	// EnvHDFSAuthorities lists (comma-separated) the authorities of an
	// hdfs:// URL that name the gateway's default file system.
	EnvHDFSAuthorities = "MLCTL_HDFS_AUTHORITIES"
	EnvCluster         = "MLCTL_CLUSTER_NAME"
	EnvUser            = "MLCTL_USER"
)

// ContainerEnv is what one of our YARN containers learns from its
// environment: the credentials file, YARN's variables and ours.
type ContainerEnv struct {
	Creds       *token.Credentials
	Secrets     *cloud.Secrets
	HDFSToken   string // URL string of the HDFS delegation token, "" if none
	WebHDFS     []string
	Authorities []string // see EnvHDFSAuthorities
	HDFSCA      []byte
	NMHost      string
	ContainerID string
	User        string
	Cluster     string
}

// Read reads the environment of a container started by YARN.
func Read() (*ContainerEnv, error) {
	path := os.Getenv("HADOOP_TOKEN_FILE_LOCATION")
	if path == "" {
		return nil, errors.New("HADOOP_TOKEN_FILE_LOCATION is not set: this command runs inside a YARN container")
	}
	creds, err := token.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the container's credentials: %w", err)
	}
	e := &ContainerEnv{
		Creds: creds, NMHost: os.Getenv("NM_HOST"), ContainerID: os.Getenv("CONTAINER_ID"),
		User: os.Getenv(EnvUser), Cluster: os.Getenv(EnvCluster), HDFSCA: creds.Secrets[SecretHDFSCA],
	}
	if e.User == "" {
		e.User = os.Getenv("USER")
	}
	e.Secrets = &cloud.Secrets{
		CACertPEM: creds.Secrets[SecretCACert], CAKeyPEM: creds.Secrets[SecretCAKey], Token: string(creds.Secrets[SecretToken]),
	}
	if len(e.Secrets.CACertPEM) == 0 || len(e.Secrets.CAKeyPEM) == 0 || e.Secrets.Token == "" {
		return nil, errors.New("the container's credentials lack the cluster secrets (was it launched by mlctl?)")
	}
	if _, t, ok := creds.FindKind(token.KindHDFS); ok {
		e.HDFSToken = t.EncodeURLString()
	}
	for _, b := range strings.Split(os.Getenv(EnvWebHDFS), ",") {
		if b = strings.TrimSpace(b); b != "" {
			e.WebHDFS = append(e.WebHDFS, b)
		}
	}
	for _, a := range strings.Split(os.Getenv(EnvHDFSAuthorities), ",") {
		if a = strings.TrimSpace(a); a != "" {
			e.Authorities = append(e.Authorities, a)
		}
	}
	return e, nil
}

// WebHDFSClient returns a WebHDFS client that authenticates with the
// application's delegation token (or as the user on an insecure cluster) and
// trusts the CA the gateway trusted.
func (e *ContainerEnv) WebHDFSClient() (*hdfs.WebHDFS, error) {
	if len(e.WebHDFS) == 0 {
		return nil, fmt.Errorf("%s is not set: no WebHDFS address to read HDFS from", EnvWebHDFS)
	}
	tr := &http.Transport{TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: 60 * time.Second}
	if len(e.HDFSCA) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(e.HDFSCA) {
			return nil, errors.New("the WebHDFS CA in the credentials is not valid PEM")
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	c := &hdfs.WebHDFS{Bases: e.WebHDFS, HTTP: &http.Client{Transport: tr}, Delegation: e.HDFSToken}
	if e.HDFSToken == "" {
		c.User = e.User
	}
	return c, nil
}

// RemoteFS is the source file system for hdfs:// inputs in this container.
func (e *ContainerEnv) RemoteFS() (source.FS, error) {
	c, err := e.WebHDFSClient()
	if err != nil {
		return nil, err
	}
	return source.WebHDFS{C: c, Authorities: e.Authorities}, nil
}
