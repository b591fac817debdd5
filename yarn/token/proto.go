package token

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mlctl/mlctl/yarn/pb"
)

// Field numbers, from apache/hadoop's Security.proto (TokenProto) and the
// CredentialsProto / CredentialsKVProto pair that Credentials.writeProto
// writes length-delimited after "HDTS" 1.
const (
	fTokenIdentifier = 1
	fTokenPassword   = 2
	fTokenKind       = 3
	fTokenService    = 4

	fCredTokens  = 1
	fCredSecrets = 2

	fKVAlias  = 1
	fKVToken  = 2
	fKVSecret = 3
)

// AppendProto appends the token as a hadoop.common.TokenProto message body.
func (t *Token) AppendProto(b []byte) []byte {
	b = protowire.AppendTag(b, fTokenIdentifier, protowire.BytesType)
	b = protowire.AppendBytes(b, t.Identifier)
	b = protowire.AppendTag(b, fTokenPassword, protowire.BytesType)
	b = protowire.AppendBytes(b, t.Password)
	b = protowire.AppendTag(b, fTokenKind, protowire.BytesType)
	b = protowire.AppendString(b, t.Kind)
	b = protowire.AppendTag(b, fTokenService, protowire.BytesType)
	return protowire.AppendString(b, t.Service)
}

// UnmarshalProto decodes a hadoop.common.TokenProto message body.
func UnmarshalProto(b []byte) (*Token, error) {
	t := &Token{Identifier: []byte{}, Password: []byte{}}
	err := pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case fTokenIdentifier:
			t.Identifier = append([]byte(nil), v...)
		case fTokenPassword:
			t.Password = append([]byte(nil), v...)
		case fTokenKind:
			t.Kind = string(v)
		case fTokenService:
			t.Service = string(v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("token: TokenProto: %w", err)
	}
	return t, nil
}

func parseProtoCredentials(b []byte) (*Credentials, error) {
	msg, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return nil, fmt.Errorf("token: CredentialsProto length: %w", protowire.ParseError(n))
	}
	c := NewCredentials()
	err := pb.Walk(msg, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if typ != protowire.BytesType || (num != fCredTokens && num != fCredSecrets) {
			return nil
		}
		var alias string
		var tok *Token
		var secret []byte
		err := pb.Walk(v, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
			if typ != protowire.BytesType {
				return nil
			}
			var err error
			switch num {
			case fKVAlias:
				alias = string(v)
			case fKVToken:
				tok, err = UnmarshalProto(v)
			case fKVSecret:
				secret = append([]byte{}, v...)
			}
			return err
		})
		if err != nil {
			return err
		}
		if num == fCredTokens {
			if tok == nil {
				return fmt.Errorf("token entry %q has no token", alias)
			}
			c.Tokens[alias] = tok
		} else {
			c.Secrets[alias] = secret
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("token: CredentialsProto: %w", err)
	}
	return c, nil
}

var errNoAttempt = errors.New("token: identifier has no application attempt")
