package sasl

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
)

// RFC 2831 §2.3/§2.4 magic constants.
const (
	magicSignC2S = "Digest session key to client-to-server signing key magic constant"
	magicSignS2C = "Digest session key to server-to-client signing key magic constant"
	magicSealC2S = "Digest H(A1) to client-to-server sealing key magic constant"
	magicSealS2C = "Digest H(A1) to server-to-client sealing key magic constant"
)

// trailer is the 10-byte MAC, the 2-byte message type (1) and the 4-byte
// sequence number that end every wrapped message.
const (
	macLen     = 10
	trailerLen = macLen + 2 + 4
)

// ErrIntegrity reports a wrapped message whose MAC, type or sequence number
// is wrong: tampering, or the two ends out of step.
var ErrIntegrity = errors.New("sasl: wrapped message failed its integrity check")

// Security is the DIGEST-MD5 security layer of one authenticated
// connection. Wrap and Unwrap may be called from different goroutines; each
// direction is serialised on its own.
type Security struct {
	qop QOP

	sendMu     sync.Mutex
	sendSeq    uint32
	sendSign   []byte
	sendCipher *rc4.Cipher

	recvMu     sync.Mutex
	recvSeq    uint32
	recvSign   []byte
	recvCipher *rc4.Cipher
}

// newSecurity derives the keys from the binary H(A1). The client signs
// with Kic and seals with Kcc; the server the other way round.
func newSecurity(ha1 [md5.Size]byte, qop QOP, cipher string, client bool) (*Security, error) {
	kic := md5.Sum(append(ha1[:], magicSignC2S...))
	kis := md5.Sum(append(ha1[:], magicSignS2C...))
	s := &Security{qop: qop}
	if client {
		s.sendSign, s.recvSign = kic[:], kis[:]
	} else {
		s.sendSign, s.recvSign = kis[:], kic[:]
	}
	if qop != QOPPrivacy {
		return s, nil
	}
	var n int
	switch cipher {
	case "rc4":
		n = 16
	case "rc4-56":
		n = 7
	case "rc4-40":
		n = 5
	default:
		return nil, fmt.Errorf("sasl: unsupported cipher %q", cipher)
	}
	kcc := md5.Sum(append(append([]byte(nil), ha1[:n]...), magicSealC2S...))
	kcs := md5.Sum(append(append([]byte(nil), ha1[:n]...), magicSealS2C...))
	cc, _ := rc4.NewCipher(kcc[:])
	cs, _ := rc4.NewCipher(kcs[:])
	if client {
		s.sendCipher, s.recvCipher = cc, cs
	} else {
		s.sendCipher, s.recvCipher = cs, cc
	}
	return s, nil
}

// QOP is the quality of protection this layer gives.
func (s *Security) QOP() QOP { return s.qop }

func mac(key []byte, seq uint32, msg []byte) []byte {
	h := hmac.New(md5.New, key)
	var sb [4]byte
	binary.BigEndian.PutUint32(sb[:], seq)
	h.Write(sb[:])
	h.Write(msg)
	return h.Sum(nil)[:macLen]
}

// Wrap protects one outgoing message: under integrity msg ‖ MAC ‖ 00 01 ‖
// seq; under privacy RC4(msg ‖ MAC) ‖ 00 01 ‖ seq.
func (s *Security) Wrap(msg []byte) []byte {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	seq := s.sendSeq
	s.sendSeq++
	out := make([]byte, 0, len(msg)+trailerLen)
	out = append(out, msg...)
	out = append(out, mac(s.sendSign, seq, msg)...)
	if s.sendCipher != nil {
		s.sendCipher.XORKeyStream(out, out)
	}
	out = append(out, 0, 1)
	return binary.BigEndian.AppendUint32(out, seq)
}

// Unwrap checks and strips the protection from one incoming message. After
// an error the layer is out of step with its peer: close the connection.
func (s *Security) Unwrap(token []byte) ([]byte, error) {
	s.recvMu.Lock()
	defer s.recvMu.Unlock()
	if len(token) < trailerLen {
		return nil, fmt.Errorf("sasl: wrapped message of %d bytes is too short", len(token))
	}
	body := token[:len(token)-6]
	if token[len(token)-6] != 0 || token[len(token)-5] != 1 {
		return nil, ErrIntegrity
	}
	seq := binary.BigEndian.Uint32(token[len(token)-4:])
	if seq != s.recvSeq {
		return nil, fmt.Errorf("%w: sequence number %d, expected %d", ErrIntegrity, seq, s.recvSeq)
	}
	plain := make([]byte, len(body))
	copy(plain, body)
	if s.recvCipher != nil {
		s.recvCipher.XORKeyStream(plain, plain)
	}
	msg, got := plain[:len(plain)-macLen], plain[len(plain)-macLen:]
	if !hmac.Equal(got, mac(s.recvSign, seq, msg)) {
		return nil, ErrIntegrity
	}
	s.recvSeq++
	return msg, nil
}
