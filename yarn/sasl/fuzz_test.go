package sasl

import "testing"

func FuzzClientRespond(f *testing.F) {
	f.Add([]byte(`realm="default",nonce="n",qop="auth-conf",charset=utf-8,algorithm=md5-sess,cipher="3des,rc4"`), []byte(`rspauth=00`))
	f.Add([]byte(`nonce="\"",algorithm=md5-sess`), []byte(``))
	f.Fuzz(func(t *testing.T, challenge, success []byte) {
		c := NewTokenClient([]byte("i"), []byte("p"), "", "default", "")
		if _, err := c.Respond(challenge); err != nil {
			return
		}
		if sec, err := c.Verify(success); err == nil && sec != nil {
			t.Fatal("a fuzzed rspauth verified")
		}
	})
}

func FuzzServerVerify(f *testing.F) {
	f.Add([]byte(`username="aQ==",realm="default",nonce="x",nc=00000001,cnonce="c",digest-uri="/default",response=00,qop=auth`))
	f.Fuzz(func(t *testing.T, resp []byte) {
		s := &Server{Realm: "default", QOPs: []QOP{QOPPrivacy}, Password: func(string) (string, bool) { return "cA==", true }}
		s.Challenge()
		if _, _, _, err := s.Verify(resp); err == nil {
			t.Fatal("a fuzzed response verified")
		}
	})
}

func FuzzUnwrap(f *testing.F) {
	var h [16]byte
	c, _ := newSecurity(h, QOPPrivacy, "rc4", true)
	f.Add(c.Wrap([]byte("hello")), true)
	f.Add([]byte{0, 1, 0, 0, 0, 0}, false)
	f.Fuzz(func(t *testing.T, tok []byte, privacy bool) {
		q := QOPIntegrity
		if privacy {
			q = QOPPrivacy
		}
		s, err := newSecurity(h, q, "rc4", false)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = s.Unwrap(tok)
	})
}
