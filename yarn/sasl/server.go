package sasl

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Server is the server side of DIGEST-MD5 as Hadoop's token servers speak
// it. mlctl never serves DIGEST-MD5: this exists for fake Hadoop servers
// in tests.
type Server struct {
	Realm string // "default" in Hadoop
	// QOPs offered, e.g. {QOPPrivacy}; empty means {QOPAuth}.
	QOPs []QOP
	// Password returns the password (base64 of the token password) for a
	// username (base64 of the token identifier).
	Password func(username string) (string, bool)

	nonce string
}

// Challenge returns the digest-challenge, as Hadoop puts it in its
// NEGOTIATE reply.
func (s *Server) Challenge() []byte {
	nb := make([]byte, 30)
	_, _ = rand.Read(nb)
	s.nonce = base64.StdEncoding.EncodeToString(nb)
	qops := make([]string, 0, len(s.QOPs))
	cipher := false
	for _, q := range s.QOPs {
		qops = append(qops, string(q))
		cipher = cipher || q == QOPPrivacy
	}
	if len(qops) == 0 {
		qops = []string{string(QOPAuth)}
	}
	c := fmt.Sprintf(`realm=%s,nonce=%s,qop=%s,charset=utf-8,algorithm=md5-sess`,
		quote(s.Realm), quote(s.nonce), quote(strings.Join(qops, ",")))
	if cipher {
		c += `,cipher="3des,rc4,des,rc4-56,rc4-40"`
	}
	return []byte(c)
}

// Verify checks a digest-response and returns the rspauth token for the
// SASL SUCCESS message, the username, and the security layer (nil under
// auth).
func (s *Server) Verify(response []byte) (rspauth []byte, user string, sec *Security, err error) {
	d, err := parseDirectives(string(response))
	if err != nil {
		return nil, "", nil, err
	}
	if s.nonce == "" || d.get("nonce") != s.nonce {
		return nil, "", nil, errors.New("sasl: response nonce does not match the challenge")
	}
	if d.get("nc") != nc {
		return nil, "", nil, fmt.Errorf("sasl: nonce count %q", d.get("nc"))
	}
	if d.get("realm") != s.Realm {
		return nil, "", nil, fmt.Errorf("sasl: realm %q", d.get("realm"))
	}
	qop := QOP(d.get("qop"))
	if qop == "" {
		qop = QOPAuth
	}
	offered := s.QOPs
	if len(offered) == 0 {
		offered = []QOP{QOPAuth}
	}
	ok := false
	for _, q := range offered {
		ok = ok || q == qop
	}
	if !ok {
		return nil, "", nil, fmt.Errorf("sasl: qop %q was not offered", qop)
	}
	user = d.get("username")
	pass, found := s.Password(user)
	if !found {
		return nil, "", nil, fmt.Errorf("sasl: unknown user %q", user)
	}
	uri := d.get("digest-uri")
	cnonce := d.get("cnonce")
	h := ha1(user, s.Realm, pass, s.nonce, cnonce)
	if responseValue(h, s.nonce, cnonce, qop, "AUTHENTICATE:"+uri) != d.get("response") {
		return nil, "", nil, errors.New("sasl: DIGEST-MD5 response does not match (bad password)")
	}
	if qop != QOPAuth {
		if sec, err = newSecurity(h, qop, d.get("cipher"), false); err != nil {
			return nil, "", nil, err
		}
	}
	return []byte("rspauth=" + responseValue(h, s.nonce, cnonce, qop, ":"+uri)), user, sec, nil
}
