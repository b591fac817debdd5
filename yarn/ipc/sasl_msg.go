package ipc

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mlctl/mlctl/yarn/pb"
)

// SASLAuth is an RpcSaslProto.SaslAuth: one way the server accepts.
type SASLAuth struct {
	Method    string // "TOKEN", "KERBEROS", "SIMPLE"
	Mechanism string // "DIGEST-MD5", "GSSAPI"
	Protocol  string
	ServerID  string
	Challenge []byte
}

// SASLMessage is an RpcSaslProto.
type SASLMessage struct {
	State int
	Token []byte
	Auths []SASLAuth
}

// AppendSASL encodes m.
func AppendSASL(b []byte, m SASLMessage) []byte {
	b = protowire.AppendTag(b, saslState, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(m.State))
	if m.Token != nil {
		b = protowire.AppendTag(b, saslToken, protowire.BytesType)
		b = protowire.AppendBytes(b, m.Token)
	}
	for _, a := range m.Auths {
		var ab []byte
		ab = protowire.AppendTag(ab, authMethod, protowire.BytesType)
		ab = protowire.AppendString(ab, a.Method)
		ab = protowire.AppendTag(ab, authMechanism, protowire.BytesType)
		ab = protowire.AppendString(ab, a.Mechanism)
		// Hadoop's server always sets protocol and serverId (protocol is
		// "" for YARN); the client echoes them as received.
		ab = protowire.AppendTag(ab, authProtocol, protowire.BytesType)
		ab = protowire.AppendString(ab, a.Protocol)
		ab = protowire.AppendTag(ab, authServerID, protowire.BytesType)
		ab = protowire.AppendString(ab, a.ServerID)
		if a.Challenge != nil {
			ab = protowire.AppendTag(ab, authChallenge, protowire.BytesType)
			ab = protowire.AppendBytes(ab, a.Challenge)
		}
		b = protowire.AppendTag(b, saslAuths, protowire.BytesType)
		b = protowire.AppendBytes(b, ab)
	}
	return b
}

// ParseSASL decodes an RpcSaslProto.
func ParseSASL(b []byte) (SASLMessage, error) {
	m := SASLMessage{State: -1}
	err := pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == saslState && typ == protowire.VarintType:
			m.State = int(x)
		case num == saslToken && typ == protowire.BytesType:
			m.Token = append([]byte{}, v...)
		case num == saslAuths && typ == protowire.BytesType:
			var a SASLAuth
			err := pb.Walk(v, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
				if typ != protowire.BytesType {
					return nil
				}
				switch num {
				case authMethod:
					a.Method = string(v)
				case authMechanism:
					a.Mechanism = string(v)
				case authProtocol:
					a.Protocol = string(v)
				case authServerID:
					a.ServerID = string(v)
				case authChallenge:
					a.Challenge = append([]byte{}, v...)
				}
				return nil
			})
			if err != nil {
				return err
			}
			m.Auths = append(m.Auths, a)
		}
		return nil
	})
	if err != nil {
		return m, fmt.Errorf("ipc: RpcSaslProto: %w", err)
	}
	if m.State < 0 {
		return m, fmt.Errorf("ipc: RpcSaslProto without state")
	}
	return m, nil
}
