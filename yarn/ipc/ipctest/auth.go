package ipctest

import (
	"encoding/binary"
	"fmt"

	"github.com/mlctl/mlctl/yarn/ipc"
	"github.com/mlctl/mlctl/yarn/sasl"
)

func saslReply(m ipc.SASLMessage) []byte {
	rh := ipc.AppendResponseHeader(nil, ipc.ResponseHeader{CallID: ipc.CallIDSASL, Status: 0})
	return ipc.Frame(rh, ipc.AppendSASL(nil, m))
}

func fatal(class, msg string) []byte {
	rh := ipc.AppendResponseHeader(nil, ipc.ResponseHeader{CallID: ipc.CallIDSASL, Status: 2,
		ExceptionClass: class, ErrorMsg: msg, ErrorDetail: 15})
	return ipc.Frame(rh)
}

// readSASL reads one plain SASL packet.
func (c *conn) readSASL() (ipc.SASLMessage, error) {
	frame, err := c.readRaw()
	if err != nil {
		return ipc.SASLMessage{}, err
	}
	hb, rest, err := ipc.SplitDelimited(frame)
	if err != nil {
		return ipc.SASLMessage{}, err
	}
	h, err := ipc.ParseRequestHeader(hb)
	if err != nil {
		return ipc.SASLMessage{}, err
	}
	if h.CallID != ipc.CallIDSASL || h.RetryCount != -1 || len(h.ClientID) != 0 {
		return ipc.SASLMessage{}, fmt.Errorf("SASL packet with header %+v", h)
	}
	body, _, err := ipc.SplitDelimited(rest)
	if err != nil {
		return ipc.SASLMessage{}, err
	}
	return ipc.ParseSASL(body)
}

// authenticate plays Hadoop's server: NEGOTIATE with one TOKEN/DIGEST-MD5
// auth carrying the challenge, then SUCCESS with rspauth.
func (s *Server) authenticate(c *conn) error {
	m, err := c.readSASL()
	if err != nil {
		return err
	}
	if m.State != ipc.StateNegotiate {
		return fmt.Errorf("first SASL state %d", m.State)
	}
	srv := &sasl.Server{Realm: "default", QOPs: s.qops, Password: func(u string) (string, bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		p, ok := s.tokens[u]
		return p, ok
	}}
	auth := ipc.SASLAuth{Method: "TOKEN", Mechanism: "DIGEST-MD5", Protocol: "", ServerID: "default", Challenge: srv.Challenge()}
	if _, err := c.nc.Write(saslReply(ipc.SASLMessage{State: ipc.StateNegotiate, Auths: []ipc.SASLAuth{auth}})); err != nil {
		return err
	}
	if m, err = c.readSASL(); err != nil {
		return err
	}
	if m.State != ipc.StateInitiate || len(m.Auths) != 1 || m.Auths[0].Method != "TOKEN" || m.Auths[0].Challenge != nil {
		_, _ = c.nc.Write(fatal("javax.security.sasl.SaslException", "bad INITIATE"))
		return fmt.Errorf("bad INITIATE %+v", m)
	}
	rspauth, _, sec, err := srv.Verify(m.Token)
	if err != nil {
		_, _ = c.nc.Write(fatal("org.apache.hadoop.security.token.SecretManager$InvalidToken", err.Error()))
		return err
	}
	c.sec = sec
	q := sasl.QOPAuth
	if sec != nil {
		q = sec.QOP()
	}
	s.mu.Lock()
	s.qopSeen = append(s.qopSeen, q)
	s.mu.Unlock()
	_, err = c.nc.Write(saslReply(ipc.SASLMessage{State: ipc.StateSuccess, Token: rspauth}))
	return err
}

func (c *conn) readRaw() ([]byte, error) {
	var lb [4]byte
	if _, err := fullRead(c, lb[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(lb[:])
	if n > ipc.MaxFrame {
		return nil, fmt.Errorf("frame of %d bytes", n)
	}
	b := make([]byte, n)
	_, err := fullRead(c, b)
	return b, err
}

func fullRead(c *conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := c.r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// readFrame returns the next client frame, unwrapping WRAP packets.
func (c *conn) readFrame() ([]byte, error) {
	if c.sec == nil {
		return c.readRaw()
	}
	for {
		if len(c.inbuf) >= 4 {
			n := binary.BigEndian.Uint32(c.inbuf)
			if uint32(len(c.inbuf)-4) >= n {
				f := c.inbuf[4 : 4+n]
				c.inbuf = c.inbuf[4+n:]
				return f, nil
			}
		}
		m, err := c.readSASL()
		if err != nil {
			return nil, err
		}
		if m.State != ipc.StateWrap {
			return nil, fmt.Errorf("SASL state %d on a protected connection", m.State)
		}
		plain, err := c.sec.Unwrap(m.Token)
		if err != nil {
			return nil, err
		}
		c.inbuf = append(c.inbuf, plain...)
	}
}

// writeFrame sends a response frame, wrapped like Hadoop's wrapWithSasl.
func (c *conn) writeFrame(frame []byte) error {
	if c.sec == nil {
		_, err := c.nc.Write(frame)
		return err
	}
	parts := [][]byte{frame}
	if c.split && len(frame) > 2 {
		parts = [][]byte{frame[:len(frame)/2], frame[len(frame)/2:]}
	}
	for _, p := range parts {
		if _, err := c.nc.Write(saslReply(ipc.SASLMessage{State: ipc.StateWrap, Token: c.sec.Wrap(p)})); err != nil {
			return err
		}
	}
	return nil
}
