package token

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Well-known token kinds.
const (
	KindAMRM    = "YARN_AM_RM_TOKEN"
	KindNM      = "NMToken"
	KindHDFS    = "HDFS_DELEGATION_TOKEN"
	KindWebHDFS = "WEBHDFS delegation"
)

// Token is Hadoop's org.apache.hadoop.security.token.Token: an opaque
// identifier, the password the server derives from it, a kind and the
// service (usually host:port) it is for.
type Token struct {
	Identifier []byte
	Password   []byte
	Kind       string
	Service    string
}

// String names the token without revealing its password.
func (t *Token) String() string {
	if t == nil {
		return "<nil token>"
	}
	return fmt.Sprintf("%s token for %q (%d-byte identifier)", t.Kind, t.Service, len(t.Identifier))
}

// Clone returns a deep copy.
func (t *Token) Clone() *Token {
	if t == nil {
		return nil
	}
	return &Token{
		Identifier: append([]byte(nil), t.Identifier...),
		Password:   append([]byte(nil), t.Password...),
		Kind:       t.Kind,
		Service:    t.Service,
	}
}

// AppendWritable appends the token in Token.write form: identifier and
// password as vint-length byte arrays, then kind and service as Text.
func (t *Token) AppendWritable(b []byte) []byte {
	b = appendBytes(b, t.Identifier)
	b = appendBytes(b, t.Password)
	b = appendText(b, t.Kind)
	return appendText(b, t.Service)
}

// MarshalWritable returns the token in Token.write form.
func (t *Token) MarshalWritable() []byte { return t.AppendWritable(nil) }

func (d *decoder) token() (*Token, error) {
	var t Token
	var err error
	if t.Identifier, err = d.bytes(); err != nil {
		return nil, fmt.Errorf("token identifier: %w", err)
	}
	if t.Password, err = d.bytes(); err != nil {
		return nil, fmt.Errorf("token password: %w", err)
	}
	if t.Kind, err = d.text(); err != nil {
		return nil, fmt.Errorf("token kind: %w", err)
	}
	if t.Service, err = d.text(); err != nil {
		return nil, fmt.Errorf("token service: %w", err)
	}
	return &t, nil
}

// UnmarshalWritable decodes exactly one Writable token.
func UnmarshalWritable(b []byte) (*Token, error) {
	d := decoder{b: b}
	t, err := d.token()
	if err != nil {
		return nil, err
	}
	if d.off != len(b) {
		return nil, fmt.Errorf("token: %d bytes after the token", len(b)-d.off)
	}
	return t, nil
}

// EncodeURLString is Hadoop's Token.encodeToUrlString: the Writable token
// in URL-safe base64 without padding, as the RM REST API's
// credentials.tokens values want it.
func (t *Token) EncodeURLString() string {
	return base64.RawURLEncoding.EncodeToString(t.MarshalWritable())
}

// DecodeURLString is Hadoop's Token.decodeFromUrlString. Like the Java
// decoder (commons-codec) it takes both base64 alphabets, with or without
// padding.
func DecodeURLString(s string) (*Token, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, "=")
	s = strings.NewReplacer("+", "-", "/", "_").Replace(s)
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("token: url string: %w", err)
	}
	return UnmarshalWritable(raw)
}
