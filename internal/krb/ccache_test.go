package krb

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jcmturner/gokrb5/v8/iana/nametype"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/types"
	"github.com/mlctl/mlctl/internal/errs"
)

const testKrb5Conf = `[libdefaults]
  default_realm = EX.COM
  dns_lookup_kdc = false
[realms]
  EX.COM = {
    kdc = 127.0.0.1:1
  }
`

// writeCCache writes a version-4 FILE ccache (MIT's format, as kinit writes
// it) holding one TGT for alice@EX.COM that ends at end.
func writeCCache(t testing.TB, path, realm string, end time.Time) {
	t.Helper()
	var b bytes.Buffer
	u16 := func(v uint16) { binary.Write(&b, binary.BigEndian, v) }
	u32 := func(v uint32) { binary.Write(&b, binary.BigEndian, v) }
	data := func(d []byte) { u32(uint32(len(d))); b.Write(d) }
	princ := func(typ int32, realm string, comps ...string) {
		u32(uint32(typ))
		u32(uint32(len(comps)))
		data([]byte(realm))
		for _, c := range comps {
			data([]byte(c))
		}
	}
	tkt := messages.Ticket{TktVNO: 5, Realm: realm,
		SName:   types.PrincipalName{NameType: nametype.KRB_NT_SRV_INST, NameString: []string{"krbtgt", realm}},
		EncPart: types.EncryptedData{EType: 18, KVNO: 1, Cipher: []byte("not-really-encrypted")}}
	tb, err := tkt.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	u16(0x0504)
	u16(12) // header: one DeltaTime field, as MIT writes
	u16(1)
	u16(8)
	u32(0)
	u32(0)
	princ(nametype.KRB_NT_PRINCIPAL, realm, "alice")
	princ(nametype.KRB_NT_PRINCIPAL, realm, "alice")
	princ(nametype.KRB_NT_SRV_INST, realm, "krbtgt", realm)
	u16(18)
	data(bytes.Repeat([]byte{7}, 32))
	start := end.Add(-10 * time.Hour)
	for _, ts := range []time.Time{start, start, end, end.Add(24 * time.Hour)} {
		u32(uint32(ts.Unix()))
	}
	b.WriteByte(0)  // is_skey
	u32(0x40e10000) // flags: forwardable, renewable, initial, pre-authent
	u32(0)          // addresses
	u32(0)          // authdata
	data(tb)        // ticket
	data(nil)       // second ticket
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func setup(t *testing.T) (dir, conf string) {
	dir = t.TempDir()
	conf = filepath.Join(dir, "krb5.conf")
	if err := os.WriteFile(conf, []byte(testKrb5Conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KRB5_CONFIG", conf)
	t.Setenv("KRB5CCNAME", "")
	return dir, conf
}

func TestCCacheLogin(t *testing.T) {
	dir, _ := setup(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	valid := filepath.Join(dir, "valid")
	writeCCache(t, valid, "EX.COM", now.Add(time.Hour))
	t.Setenv("KRB5CCNAME", "FILE:"+valid)
	s, err := Login(context.Background(), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Principal != "alice@EX.COM" || s.Source != "FILE:"+valid || !s.EndTime.Equal(now.Add(time.Hour).Truncate(time.Second)) {
		t.Errorf("session = %+v", s)
	}
	if err := s.Check(); err != nil {
		t.Errorf("Check = %v", err)
	}
	s.now = func() time.Time { return now.Add(2 * time.Hour) }
	if err := s.Check(); !errors.Is(err, ErrExpired) {
		t.Errorf("Check after end = %v", err)
	}
}

func TestCCacheErrors(t *testing.T) {
	dir, conf := setup(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	expiredPath := filepath.Join(dir, "expired")
	writeCCache(t, expiredPath, "EX.COM", now.Add(-time.Minute))
	otherRealm := filepath.Join(dir, "other")
	writeCCache(t, otherRealm, "NOWHERE.ORG", now.Add(time.Hour))
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(garbage, []byte{5, 4, 0, 200, 1, 2, 3}, 0o600)
	cases := []struct {
		name, ccache string
		env          string
		sentinel     error
		msg, hint    string
	}{
		{"missing", filepath.Join(dir, "none"), "", ErrNoCCache, "no ticket cache at", "run kinit"},
		{"expired", expiredPath, "", ErrExpired, "expired at 2026-11-23T", "run kinit"},
		{"kcm", "", "KCM:", ErrUnsupportedCCache, "type KCM", "KRB5CCNAME=FILE:/tmp/krb5cc_$(id -u)"},
		{"keyring", "", "KEYRING:persistent:1000", ErrUnsupportedCCache, "type KEYRING", "kinit"},
		{"dir", "DIR:/run/user/1/krb5cc", "", ErrUnsupportedCCache, "type DIR", "kinit"},
		{"garbage", garbage, "", ErrNoCCache, "cannot read the ticket cache", "kinit"},
		{"unknown realm", otherRealm, "", ErrUnknownRealm, "no KDC for NOWHERE.ORG in " + conf, "NOWHERE.ORG = { kdc"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KRB5CCNAME", tc.env)
			_, err := Login(context.Background(), Options{CCache: tc.ccache, Now: func() time.Time { return now }})
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("err = %v, want %v", err, tc.sentinel)
			}
			if errs.Code(err) != errs.Auth {
				t.Errorf("code = %d", errs.Code(err))
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q lacks %q", err, tc.msg)
			}
			if !strings.Contains(errs.Hint(err), tc.hint) {
				t.Errorf("hint %q lacks %q", errs.Hint(err), tc.hint)
			}
		})
	}
	var ke *Error
	_, err := Login(context.Background(), Options{CCache: expiredPath, Now: func() time.Time { return now }})
	if !errors.As(err, &ke) || !ke.EndTime.Equal(now.Add(-time.Minute)) {
		t.Errorf("expired EndTime = %v", ke)
	}
}

func TestCCachePathDefaults(t *testing.T) {
	dir, conf := setup(t)
	uid := strconv.Itoa(os.Getuid())
	if p, err := CCachePath("", conf); err != nil || p != "/tmp/krb5cc_"+uid {
		t.Errorf("default = %q, %v", p, err)
	}
	c2 := filepath.Join(dir, "krb5-rhel.conf")
	os.WriteFile(c2, []byte("[libdefaults]\n default_ccache_name = FILE:/tmp/cc_%{uid}\n[realms]\n"), 0o644)
	if p, err := CCachePath("", c2); err != nil || p != "/tmp/cc_"+uid {
		t.Errorf("default_ccache_name = %q, %v", p, err)
	}
	os.WriteFile(c2, []byte("[libdefaults]\n default_ccache_name = KEYRING:persistent:%{uid}\n"), 0o644)
	if _, err := CCachePath("", c2); !errors.Is(err, ErrUnsupportedCCache) || !strings.Contains(err.Error(), "default_ccache_name") {
		t.Errorf("KEYRING default = %v", err)
	}
	t.Setenv("KRB5CCNAME", "/plain/path")
	if p, _ := CCachePath("", c2); p != "/plain/path" {
		t.Errorf("plain KRB5CCNAME = %q", p)
	}
}

func TestConfigErrors(t *testing.T) {
	dir, _ := setup(t)
	_, err := Login(context.Background(), Options{Krb5Conf: filepath.Join(dir, "missing.conf")})
	if !errors.Is(err, ErrConfig) || !strings.Contains(errs.Hint(err), "KRB5_CONFIG") {
		t.Errorf("missing krb5.conf: %v / %q", err, errs.Hint(err))
	}
	_, err = Login(context.Background(), Options{Keytab: filepath.Join(dir, "missing.keytab"), Principal: "alice"})
	if !errors.Is(err, ErrConfig) || errs.Code(err) != errs.Auth {
		t.Errorf("missing keytab: %v", err)
	}
	bad := filepath.Join(dir, "bad.keytab")
	os.WriteFile(bad, []byte("nope"), 0o600)
	_, err = Login(context.Background(), Options{Keytab: bad, Principal: "alice"})
	if !errors.Is(err, ErrConfig) || !strings.Contains(errs.Hint(err), "not a keytab") {
		t.Errorf("bad keytab: %v / %q", err, errs.Hint(err))
	}
	if Krb5ConfPath("") != filepath.Join(dir, "krb5.conf") {
		t.Error("KRB5_CONFIG not used")
	}
	t.Setenv("KRB5_CONFIG", "/a.conf:/b.conf")
	if Krb5ConfPath("") != "/a.conf" {
		t.Error("KRB5_CONFIG list not split")
	}
}

func TestSPN(t *testing.T) {
	ctx := context.Background()
	if got := SPN(ctx, "RM.Example.COM:8088"); got != "HTTP/rm.example.com" {
		t.Errorf("SPN = %q", got)
	}
	if got := SPN(ctx, "localhost"); got != "HTTP/localhost" {
		t.Errorf("SPN = %q", got)
	}
}

// FuzzParseCCache: a ticket cache is outside input, and gokrb5's parser
// trusts its lengths; parseCCache must return an error, never panic or
// allocate without bound.
func FuzzParseCCache(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed")
	writeCCache(f, seed, "EX.COM", time.Unix(2000000000, 0))
	if b, err := os.ReadFile(seed); err == nil {
		f.Add(b)
	}
	f.Add([]byte{5, 4, 0, 12})
	f.Add([]byte{5, 3, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		cc, err := parseCCache(data)
		if err == nil && cc == nil {
			t.Fatal("nil cache without an error")
		}
	})
}
