package sasl

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// QOP is a DIGEST-MD5 quality of protection.
type QOP string

// The three qualities of protection, weakest first. Hadoop maps
// hadoop.rpc.protection authentication / integrity / privacy onto them.
const (
	QOPAuth      QOP = "auth"
	QOPIntegrity QOP = "auth-int"
	QOPPrivacy   QOP = "auth-conf"
)

func (q QOP) rank() int {
	switch q {
	case QOPAuth:
		return 1
	case QOPIntegrity:
		return 2
	case QOPPrivacy:
		return 3
	}
	return 0
}

// ParseQOP takes a qop value or Hadoop's names for it.
func ParseQOP(s string) (QOP, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auth", "authentication":
		return QOPAuth, nil
	case "auth-int", "integrity":
		return QOPIntegrity, nil
	case "auth-conf", "privacy":
		return QOPPrivacy, nil
	}
	return "", fmt.Errorf("sasl: unknown quality of protection %q", s)
}

// ErrAuth reports a server that failed mutual authentication.
var ErrAuth = errors.New("sasl: server failed DIGEST-MD5 mutual authentication")

const nc = "00000001"

// Client is the client side of one DIGEST-MD5 exchange.
type Client struct {
	username, password string
	digestURI          string
	min                QOP
	rand               io.Reader

	// set by Respond
	qop    QOP
	cipher string
	ha1    [md5.Size]byte
	nonce  string
	cnonce string
	done   bool
}

// NewTokenClient starts a DIGEST-MD5 exchange for a Hadoop token: the
// username is the standard padded base64 of the identifier, the password
// that of the password, and digest-uri is protocol + "/" + serverID as the
// server's NEGOTIATE named them. The client refuses a qop weaker than min.
func NewTokenClient(identifier, password []byte, protocol, serverID string, min QOP) *Client {
	return &Client{
		username:  base64.StdEncoding.EncodeToString(identifier),
		password:  base64.StdEncoding.EncodeToString(password),
		digestURI: protocol + "/" + serverID,
		min:       min,
		rand:      rand.Reader,
	}
}

// SetRand replaces the source of the client nonce (tests).
func (c *Client) SetRand(r io.Reader) { c.rand = r }

// QOP is the negotiated quality of protection (after Respond).
func (c *Client) QOP() QOP { return c.qop }

// Respond answers the server's digest-challenge with a digest-response.
// It picks the strongest qop the server offers (privacy > integrity >
// auth), which must be at least the client's minimum, and rc4 (or
// rc4-56, rc4-40) under privacy.
func (c *Client) Respond(challenge []byte) ([]byte, error) {
	d, err := parseDirectives(string(challenge))
	if err != nil {
		return nil, err
	}
	if alg := d.get("algorithm"); alg != "md5-sess" {
		return nil, fmt.Errorf("sasl: challenge algorithm %q, want md5-sess", alg)
	}
	c.nonce = d.get("nonce")
	if c.nonce == "" {
		return nil, errors.New("sasl: challenge has no nonce")
	}
	offered := d.list("qop")
	if len(offered) == 0 {
		offered = []string{string(QOPAuth)}
	}
	for _, o := range offered {
		if q := QOP(o); q.rank() > c.qop.rank() {
			c.qop = q
		}
	}
	if c.qop.rank() == 0 {
		return nil, fmt.Errorf("sasl: server offers no known qop (%v)", offered)
	}
	if c.qop.rank() < c.min.rank() {
		return nil, fmt.Errorf("sasl: server offers qop %v, weaker than the required %s", offered, c.min)
	}
	if c.qop == QOPPrivacy {
		if c.cipher = pickCipher(d.list("cipher")); c.cipher == "" {
			return nil, fmt.Errorf("sasl: server offers ciphers %v, none of rc4, rc4-56, rc4-40", d.list("cipher"))
		}
	}
	realm := d.get("realm")
	cn := make([]byte, 24)
	if _, err := io.ReadFull(c.rand, cn); err != nil {
		return nil, fmt.Errorf("sasl: client nonce: %w", err)
	}
	c.cnonce = base64.StdEncoding.EncodeToString(cn)
	c.ha1 = ha1(c.username, realm, c.password, c.nonce, c.cnonce)
	resp := responseValue(c.ha1, c.nonce, c.cnonce, c.qop, "AUTHENTICATE:"+c.digestURI)

	var b strings.Builder
	if strings.EqualFold(d.get("charset"), "utf-8") {
		b.WriteString("charset=utf-8,")
	}
	fmt.Fprintf(&b, "username=%s,realm=%s,nonce=%s,nc=%s,cnonce=%s,digest-uri=%s,maxbuf=65536,response=%s,qop=%s",
		quote(c.username), quote(realm), quote(c.nonce), nc, quote(c.cnonce), quote(c.digestURI), resp, c.qop)
	if c.cipher != "" {
		b.WriteString(",cipher=" + c.cipher)
	}
	return []byte(b.String()), nil
}

// Verify checks the server's "rspauth=…" (the SASL SUCCESS token) and
// returns the security layer for the negotiated qop (nil under auth).
func (c *Client) Verify(success []byte) (*Security, error) {
	if c.nonce == "" {
		return nil, errors.New("sasl: Verify before Respond")
	}
	if c.done {
		return nil, errors.New("sasl: exchange already complete")
	}
	d, err := parseDirectives(string(success))
	if err != nil {
		return nil, err
	}
	want := responseValue(c.ha1, c.nonce, c.cnonce, c.qop, ":"+c.digestURI)
	got := d.get("rspauth")
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return nil, ErrAuth
	}
	c.done = true
	if c.qop == QOPAuth {
		return nil, nil
	}
	return newSecurity(c.ha1, c.qop, c.cipher, true)
}

func pickCipher(offered []string) string {
	for _, want := range []string{"rc4", "rc4-56", "rc4-40"} {
		for _, o := range offered {
			if o == want {
				return want
			}
		}
	}
	return ""
}

// ha1 is H(A1) for md5-sess without authzid:
// H( H(user:realm:pass) : nonce : cnonce ).
func ha1(user, realm, pass, nonce, cnonce string) [md5.Size]byte {
	inner := md5.Sum([]byte(user + ":" + realm + ":" + pass))
	a1 := append(inner[:], ":"+nonce+":"+cnonce...)
	return md5.Sum(a1)
}

// responseValue is the response (a2Prefix "AUTHENTICATE:"+uri) or rspauth
// (":"+uri) value: under auth-int and auth-conf A2 carries 32 zeros.
func responseValue(ha1 [md5.Size]byte, nonce, cnonce string, qop QOP, a2 string) string {
	if qop == QOPIntegrity || qop == QOPPrivacy {
		a2 += ":00000000000000000000000000000000"
	}
	ha2 := md5.Sum([]byte(a2))
	kd := hex.EncodeToString(ha1[:]) + ":" + nonce + ":" + nc + ":" + cnonce + ":" + string(qop) + ":" + hex.EncodeToString(ha2[:])
	sum := md5.Sum([]byte(kd))
	return hex.EncodeToString(sum[:])
}
