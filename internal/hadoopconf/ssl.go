package hadoopconf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SSLClientConfKey names the file (a classpath resource to Hadoop, a file of
// the configuration directory here) with the HTTPS clients' trust settings.
const SSLClientConfKey = "hadoop.ssl.client.conf"

// TrustStore is the trust store Hadoop's HTTPS clients use (WebHDFS over
// HTTPS among them), as ssl-client.xml sets it.
type TrustStore struct {
	Conf     string // the ssl-client.xml it came from
	Location string // ssl.client.truststore.location
	Type     string // ssl.client.truststore.type, "jks" when unset
	Password string // ssl.client.truststore.password, "" when unset
	// Source is where the location was set ("ssl-client.xml:4").
	Source string
}

// SSLClientTrustStore reads the trust store settings from the file
// hadoop.ssl.client.conf names (default ssl-client.xml) in the directory the
// configuration was loaded from. It returns nil, nil when that file does not
// exist or sets no ssl.client.truststore.location: Hadoop's clients then
// fall back to the JVM's default trust, as mlctl falls back to the system
// roots. A relative location is taken from the working directory, as the
// JVM does.
func (c *Conf) SSLClientTrustStore() (*TrustStore, error) {
	name := c.GetDefault(SSLClientConfKey, "ssl-client.xml")
	if c.Dir == "" && !filepath.IsAbs(name) {
		return nil, nil
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(c.Dir, name)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("hadoopconf: %w", err)
	}
	sc := New()
	sc.Dir = c.Dir
	if err := sc.AddXML(path, data); err != nil {
		return nil, err
	}
	loc := strings.TrimSpace(sc.Get("ssl.client.truststore.location"))
	if loc == "" {
		return nil, nil
	}
	return &TrustStore{
		Conf:     path,
		Location: loc,
		Type:     strings.ToLower(sc.GetDefault("ssl.client.truststore.type", "jks")),
		Password: sc.Get("ssl.client.truststore.password"),
		Source:   sc.Source("ssl.client.truststore.location"),
	}, nil
}
