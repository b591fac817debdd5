package sasl

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// RFC 2831 §4's example (qop=auth) gives response and rspauth values.
func TestRFC2831Example(t *testing.T) {
	h := ha1("chris", "elwood.innosoft.com", "secret", "OA6MG9tEQGm2hh", "OA6MHXh6VqTrRk")
	uri := "imap/elwood.innosoft.com"
	if got := responseValue(h, "OA6MG9tEQGm2hh", "OA6MHXh6VqTrRk", QOPAuth, "AUTHENTICATE:"+uri); got != "d388dad90d4bbd760a152321f2143af7" {
		t.Errorf("response = %s", got)
	}
	if got := responseValue(h, "OA6MG9tEQGm2hh", "OA6MHXh6VqTrRk", QOPAuth, ":"+uri); got != "ea40f60335c427b5527b84dbabcdfffd" {
		t.Errorf("rspauth = %s", got)
	}
}

func TestParseDirectives(t *testing.T) {
	d, err := parseDirectives(`realm="default",nonce="a\"b,c",qop="auth-int,auth-conf",charset=utf-8,algorithm=md5-sess,cipher="3des,rc4"`)
	if err != nil {
		t.Fatal(err)
	}
	if d.get("nonce") != `a"b,c` || d.get("charset") != "utf-8" || d.get("algorithm") != "md5-sess" {
		t.Errorf("%v", d)
	}
	if got := strings.Join(d.list("qop"), "|"); got != "auth-int|auth-conf" {
		t.Errorf("qop list %s", got)
	}
	for _, bad := range []string{`realm="x`, `novalue`, `=x`} {
		if _, err := parseDirectives(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

type fixedRand struct{}

func (fixedRand) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i)
	}
	return len(p), nil
}

func TestClientResponseShape(t *testing.T) {
	c := NewTokenClient([]byte("id"), []byte("pw"), "", "default", QOPAuth)
	c.SetRand(fixedRand{})
	resp, err := c.Respond([]byte(`realm="default",nonce="n1",qop="auth",charset=utf-8,algorithm=md5-sess`))
	if err != nil {
		t.Fatal(err)
	}
	d, err := parseDirectives(string(resp))
	if err != nil {
		t.Fatal(err)
	}
	// username/password are base64 of identifier and password; the
	// digest-uri is protocol "/" serverId; no authzid.
	want := map[string]string{"username": "aWQ=", "realm": "default", "nonce": "n1", "nc": "00000001",
		"digest-uri": "/default", "qop": "auth", "charset": "utf-8"}
	for k, v := range want {
		if d.get(k) != v {
			t.Errorf("%s = %q, want %q", k, d.get(k), v)
		}
	}
	if _, ok := d["authzid"]; ok {
		t.Error("authzid sent")
	}
	h := ha1("aWQ=", "default", "cHc=", "n1", d.get("cnonce"))
	if d.get("response") != responseValue(h, "n1", d.get("cnonce"), QOPAuth, "AUTHENTICATE:/default") {
		t.Error("response value does not match an independent computation")
	}
}

func TestQOPChoice(t *testing.T) {
	ch := func(q string) []byte {
		return []byte(`realm="default",nonce="n",qop="` + q + `",charset=utf-8,algorithm=md5-sess,cipher="3des,rc4,des,rc4-56,rc4-40"`)
	}
	for _, c := range []struct {
		offer string
		min   QOP
		want  QOP
		fail  bool
	}{
		{"auth", "", QOPAuth, false},
		{"auth,auth-int", "", QOPIntegrity, false},
		{"auth-int,auth-conf,auth", QOPAuth, QOPPrivacy, false},
		{"auth", QOPIntegrity, "", true},
		{"auth-int", QOPPrivacy, "", true},
	} {
		cl := NewTokenClient([]byte("i"), []byte("p"), "", "default", c.min)
		resp, err := cl.Respond(ch(c.offer))
		if c.fail {
			if err == nil {
				t.Errorf("offer %s min %s: accepted", c.offer, c.min)
			}
			continue
		}
		if err != nil || cl.QOP() != c.want {
			t.Errorf("offer %s: qop %s, %v; want %s", c.offer, cl.QOP(), err, c.want)
		}
		if c.want == QOPPrivacy && !bytes.Contains(resp, []byte("cipher=rc4")) {
			t.Errorf("privacy response without rc4: %s", resp)
		}
	}
}

// A round trip through the Go server side, every qop, with a wrong
// rspauth and tampered messages refused.
func TestLoopbackServer(t *testing.T) {
	for _, q := range []QOP{QOPAuth, QOPIntegrity, QOPPrivacy} {
		srv := &Server{Realm: "default", QOPs: []QOP{q}, Password: func(u string) (string, bool) {
			return "cHc=", u == "aWQ="
		}}
		cl := NewTokenClient([]byte("id"), []byte("pw"), "", "default", "")
		resp, err := cl.Respond(srv.Challenge())
		if err != nil {
			t.Fatal(err)
		}
		rsp, user, ssec, err := srv.Verify(resp)
		if err != nil || user != "aWQ=" {
			t.Fatalf("%s: server verify: %v", q, err)
		}
		bad := append([]byte(nil), rsp...)
		bad[len(bad)-1] ^= 1
		if _, err := cl.Verify(bad); err != ErrAuth {
			t.Errorf("%s: bad rspauth gave %v", q, err)
		}
		csec, err := cl.Verify(rsp)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if q == QOPAuth {
			if csec != nil || ssec != nil {
				t.Errorf("auth negotiated a security layer")
			}
			continue
		}
		for i, msg := range []string{"hello", "", strings.Repeat("x", 70000), "last"} {
			w := csec.Wrap([]byte(msg))
			got, err := ssec.Unwrap(w)
			if err != nil || string(got) != msg {
				t.Fatalf("%s msg %d: %v", q, i, err)
			}
			if q == QOPPrivacy && len(msg) > 3 && bytes.Contains(w, []byte(msg)) {
				t.Errorf("privacy left the message in clear")
			}
			back, err := csec.Unwrap(ssec.Wrap([]byte("re:" + msg)))
			if err != nil || string(back) != "re:"+msg {
				t.Fatalf("%s reply %d: %v", q, i, err)
			}
		}
		w := csec.Wrap([]byte("tamper"))
		w[0] ^= 1
		if _, err := ssec.Unwrap(w); err == nil {
			t.Errorf("%s: tampered message accepted", q)
		}
	}
}

// Integrity wrap layout: msg ‖ HMAC-MD5(Kic, seq‖msg)[:10] ‖ 00 01 ‖ seq.
func TestIntegrityLayout(t *testing.T) {
	var h [16]byte
	s, err := newSecurity(h, QOPIntegrity, "", true)
	if err != nil {
		t.Fatal(err)
	}
	s.Wrap([]byte("a"))
	w := s.Wrap([]byte("msg"))
	if len(w) != 3+16 || string(w[:3]) != "msg" || !bytes.Equal(w[13:], []byte{0, 1, 0, 0, 0, 1}) {
		t.Errorf("layout %x", w)
	}
	if hex.EncodeToString(w[3:13]) != hex.EncodeToString(mac(s.sendSign, 1, []byte("msg"))) {
		t.Error("mac")
	}
}
