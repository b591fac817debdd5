package krb

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jcmturner/gokrb5/v8/iana/etypeID"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/mlctl/mlctl/internal/errs"
)

// getInfo does one SPNEGO GET of the RM's cluster info with s: proof that
// the session's tickets are accepted by a real Hadoop service.
func getInfo(t *testing.T, s *Session, rm string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, rm+"/ws/v1/cluster/info", nil)
	if err := s.SetSPNEGOHeader(ctx, req, ""); err != nil {
		t.Fatalf("SPNEGO: %v (hint: %s)", err, errs.Hint(err))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK && !strings.Contains(string(body), "clusterInfo") {
		t.Errorf("unexpected body %.200s", body)
	}
	return resp.StatusCode
}

func kinit(t *testing.T, tc *testClusterInfo, cc string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath("kinit"); err != nil {
		t.Fatal("MIT kinit is needed: apt-get install -y krb5-user")
	}
	args = append(args, "-kt", tc.UserKeytab, "-c", "FILE:"+cc, tc.UserPrincipal)
	cmd := exec.Command("kinit", args...)
	cmd.Env = append(os.Environ(), "KRB5_CONFIG="+tc.Krb5Conf)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kinit %v: %v\n%s", args, err, out)
	}
}

func TestRealKeytabLogin(t *testing.T) {
	tc := testCluster(t)
	s, err := Login(context.Background(), Options{Krb5Conf: tc.Krb5Conf, Keytab: tc.UserKeytab, Principal: tc.User})
	if err != nil {
		t.Fatalf("keytab login: %v (hint: %s)", err, errs.Hint(err))
	}
	if s.Principal != tc.UserPrincipal {
		t.Errorf("principal = %q", s.Principal)
	}
	if code := getInfo(t, s, tc.RMWebapp); code != http.StatusOK {
		t.Errorf("RM answered %d to SPNEGO from a keytab login", code)
	}
	// An empty principal takes the keytab's first entry.
	s2, err := Login(context.Background(), Options{Krb5Conf: tc.Krb5Conf, Keytab: tc.UserKeytab})
	if err != nil || s2.Principal != tc.UserPrincipal {
		t.Errorf("login with the keytab's own principal: %v, %v", s2, err)
	}
}

func TestRealMITCCache(t *testing.T) {
	tc := testCluster(t)
	cc := filepath.Join(t.TempDir(), "cc")
	kinit(t, tc, cc)
	t.Setenv("KRB5_CONFIG", tc.Krb5Conf)
	t.Setenv("KRB5CCNAME", "FILE:"+cc)
	s, err := Login(context.Background(), Options{})
	if err != nil {
		t.Fatalf("login from MIT ccache: %v (hint: %s)", err, errs.Hint(err))
	}
	if s.Source != "FILE:"+cc || s.EndTime.Before(time.Now().Add(time.Hour)) {
		t.Errorf("session %+v", s)
	}
	if code := getInfo(t, s, tc.RMWebapp); code != http.StatusOK {
		t.Errorf("RM answered %d to SPNEGO from a kinit ccache", code)
	}
}

func TestRealExpiredTicket(t *testing.T) {
	tc := testCluster(t)
	cc := filepath.Join(t.TempDir(), "cc")
	// MIT refuses lifetimes under a few seconds ("too short"); 10s works.
	kinit(t, tc, cc, "-l", "10s")
	opts := Options{Krb5Conf: tc.Krb5Conf, CCache: cc}
	s, err := Login(context.Background(), opts)
	if err != nil {
		t.Fatalf("fresh short ticket: %v", err)
	}
	time.Sleep(time.Until(s.EndTime) + time.Second)
	_, err = Login(context.Background(), opts)
	var ke *Error
	if !errors.As(err, &ke) || ke.Kind != KindExpired || errs.Code(err) != errs.Auth {
		t.Fatalf("expired ticket: err = %v, want KindExpired with exit 4", err)
	}
	if !ke.EndTime.Equal(s.EndTime) || !strings.Contains(err.Error(), "expired at") || errs.Hint(err) != "run kinit" {
		t.Errorf("err = %v, EndTime %v, hint %q", err, ke.EndTime, errs.Hint(err))
	}
	// A session made before the expiry refuses to ask for service tickets.
	req, _ := http.NewRequest(http.MethodGet, tc.RMWebapp+"/ws/v1/cluster/info", nil)
	if err := s.SetSPNEGOHeader(context.Background(), req, ""); !errors.Is(err, ErrExpired) {
		t.Errorf("SPNEGO with an expired session: %v", err)
	}
}

func TestRealKDCRefusals(t *testing.T) {
	tc := testCluster(t)
	dir := t.TempDir()
	mk := func(name, principal, password string) string {
		kt := keytab.New()
		if err := kt.AddEntry(principal, tc.Realm, password, time.Now(), 1, etypeID.AES128_CTS_HMAC_SHA1_96); err != nil {
			t.Fatal(err)
		}
		b, _ := kt.Marshal()
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	cases := []struct {
		name, keytab, principal string
		want                    error
	}{
		{"wrong key", mk("wrong", tc.User, "not-the-password"), tc.User, ErrBadCredentials},
		{"unknown principal", mk("bob", "bob", "x"), "bob", ErrUnknownPrincipal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Login(context.Background(), Options{Krb5Conf: tc.Krb5Conf, Keytab: c.keytab, Principal: c.principal})
			if !errors.Is(err, c.want) || errs.Code(err) != errs.Auth {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			t.Logf("%v — hint: %s", err, errs.Hint(err))
		})
	}
	s, err := Login(context.Background(), Options{Krb5Conf: tc.Krb5Conf, Keytab: tc.UserKeytab, Principal: tc.User})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, tc.RMWebapp, nil)
	err = s.SetSPNEGOHeader(context.Background(), req, "HTTP/no-such-host.example")
	if !errors.Is(err, ErrUnknownService) {
		t.Errorf("unknown service: %v", err)
	}
	t.Logf("%v — hint: %s", err, errs.Hint(err))
}
