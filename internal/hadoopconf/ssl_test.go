package hadoopconf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSSLClientTrustStore(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  *TrustStore // Conf is checked by base name
		err   string
	}{
		{"no ssl-client.xml", map[string]string{"core-site.xml": site()}, nil, ""},
		{"no location", map[string]string{"core-site.xml": site(), "ssl-client.xml": site("ssl.client.truststore.password", "x")}, nil, ""},
		{"defaults", map[string]string{
			"core-site.xml":  site(),
			"ssl-client.xml": site("ssl.client.truststore.location", " /etc/pki/ts.jks "),
		}, &TrustStore{Conf: "ssl-client.xml", Location: "/etc/pki/ts.jks", Type: "jks", Source: "ssl-client.xml:3"}, ""},
		{"all set, expanded", map[string]string{
			"core-site.xml": site(),
			"ssl-client.xml": site("base", "/etc/pki", "ssl.client.truststore.location", "${base}/ts.p12",
				"ssl.client.truststore.type", "PKCS12", "ssl.client.truststore.password", "secret"),
		}, &TrustStore{Conf: "ssl-client.xml", Location: "/etc/pki/ts.p12", Type: "pkcs12", Password: "secret", Source: "ssl-client.xml:4"}, ""},
		{"renamed by core-site.xml", map[string]string{
			"core-site.xml":      site(SSLClientConfKey, "my-ssl.xml"),
			"ssl-client.xml":     site("ssl.client.truststore.location", "/wrong.jks"),
			"my-ssl.xml":         site("ssl.client.truststore.location", "/right.jks"),
			"ignored-client.xml": site(),
		}, &TrustStore{Conf: "my-ssl.xml", Location: "/right.jks", Type: "jks", Source: "my-ssl.xml:3"}, ""},
		{"renamed to a missing file", map[string]string{
			"core-site.xml":  site(SSLClientConfKey, "gone.xml"),
			"ssl-client.xml": site("ssl.client.truststore.location", "/wrong.jks"),
		}, nil, ""},
		{"malformed", map[string]string{"core-site.xml": site(), "ssl-client.xml": "<configuration><property>"}, nil, "ssl-client.xml:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(writeDir(t, tc.files))
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.SSLClientTrustStore()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want one naming %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tc.want == nil) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if got == nil {
				return
			}
			if filepath.Dir(got.Conf) != c.Dir {
				t.Errorf("Conf %s is not in %s", got.Conf, c.Dir)
			}
			got.Conf = filepath.Base(got.Conf)
			if *got != *tc.want {
				t.Errorf("got %+v, want %+v", *got, *tc.want)
			}
		})
	}
}

// An absolute hadoop.ssl.client.conf is read where it is.
func TestSSLClientTrustStoreAbsolute(t *testing.T) {
	elsewhere := filepath.Join(t.TempDir(), "ssl.xml")
	if err := os.WriteFile(elsewhere, []byte(site("ssl.client.truststore.location", "/abs.jks")), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(writeDir(t, map[string]string{"core-site.xml": site(SSLClientConfKey, elsewhere)}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.SSLClientTrustStore()
	if err != nil || got == nil || got.Location != "/abs.jks" || got.Conf != elsewhere {
		t.Fatalf("%+v %v", got, err)
	}
}
