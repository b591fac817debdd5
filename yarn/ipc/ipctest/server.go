// Package ipctest is a fake Hadoop IPC server on loopback for tests: it
// speaks the server side of the connection header, SASL NEGOTIATE and
// TOKEN/DIGEST-MD5 (auth, auth-int, auth-conf), reads the connection
// context, and answers protobuf calls through a Handler. It exists to
// prove yarn/ipc and the protocol packages built on it without Hadoop.
package ipctest

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/mlctl/mlctl/yarn/ipc"
	"github.com/mlctl/mlctl/yarn/sasl"
	"github.com/mlctl/mlctl/yarn/token"
)

// Handler answers one call. Returning a *ipc.RemoteError sends status
// ERROR; returning ErrFatal (or wrapping it) sends FATAL and closes.
type Handler func(method, protocol string, req []byte) ([]byte, error)

// ErrFatal makes the server answer FATAL and close the connection.
var ErrFatal = errors.New("ipctest: fatal")

// Call records one call the server saw.
type Call struct {
	Header   ipc.RequestHeader
	Method   string
	Protocol string
	Version  uint64
	Request  []byte
}

// Server is a running fake.
type Server struct {
	Addr string

	tokens  map[string]string // base64 identifier -> base64 password
	qops    []sasl.QOP
	handler Handler
	split   bool
	ln      net.Listener

	mu       sync.Mutex
	calls    []Call
	contexts []string
	qopSeen  []sasl.QOP
	wg       sync.WaitGroup
}

// Options configure a fake server.
type Options struct {
	Tokens  []*token.Token // tokens it accepts
	QOPs    []sasl.QOP     // offered; empty means auth
	Handler Handler
	// SplitWraps sends each wrapped response as two WRAP messages, to
	// prove the client reassembles frames across wraps.
	SplitWraps bool
}

// Start listens on 127.0.0.1 and serves until Close.
func Start(o Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), tokens: map[string]string{}, qops: o.QOPs, handler: o.Handler, split: o.SplitWraps, ln: ln}
	s.SetTokens(o.Tokens...)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer nc.Close()
				_ = s.serve(nc)
			}()
		}
	}()
	return s, nil
}

// SetTokens replaces the tokens the server accepts (a master-key roll).
func (s *Server) SetTokens(ts ...*token.Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]string{}
	for _, t := range ts {
		s.tokens[base64.StdEncoding.EncodeToString(t.Identifier)] = base64.StdEncoding.EncodeToString(t.Password)
	}
}

// Close stops the server and waits for its connections to end.
func (s *Server) Close() {
	s.ln.Close()
	s.wg.Wait()
}

// Calls returns the calls seen so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Contexts returns the protocols of the connection contexts seen.
func (s *Server) Contexts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.contexts...)
}

// QOPs returns the qop each authenticated connection negotiated.
func (s *Server) QOPs() []sasl.QOP {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sasl.QOP(nil), s.qopSeen...)
}

type conn struct {
	nc    net.Conn
	r     *bufio.Reader
	sec   *sasl.Security
	inbuf []byte
	split bool
}

func (s *Server) serve(nc net.Conn) error {
	c := &conn{nc: nc, r: bufio.NewReader(nc), split: s.split}
	hdr := make([]byte, len(ipc.ConnectionHeader))
	if _, err := io.ReadFull(c.r, hdr); err != nil {
		return err
	}
	if string(hdr) != string(ipc.ConnectionHeader) {
		return fmt.Errorf("bad connection header % x", hdr)
	}
	if err := s.authenticate(c); err != nil {
		return err
	}
	for {
		frame, err := c.readFrame()
		if err != nil {
			return err
		}
		hb, rest, err := ipc.SplitDelimited(frame)
		if err != nil {
			return err
		}
		h, err := ipc.ParseRequestHeader(hb)
		if err != nil {
			return err
		}
		if h.CallID == ipc.CallIDContext {
			body, _, err := ipc.SplitDelimited(rest)
			if err != nil {
				return err
			}
			p, err := ipc.ParseConnectionContext(body)
			if err != nil {
				return err
			}
			s.mu.Lock()
			s.contexts = append(s.contexts, p)
			s.mu.Unlock()
			continue
		}
		mb, rest, err := ipc.SplitDelimited(rest)
		if err != nil {
			return err
		}
		req, _, err := ipc.SplitDelimited(rest)
		if err != nil {
			return err
		}
		method, protocol, version, err := ipc.ParseRequestMethodHeader(mb)
		if err != nil {
			return err
		}
		call := Call{Header: h, Method: method, Protocol: protocol, Version: version, Request: append([]byte{}, req...)}
		s.mu.Lock()
		s.calls = append(s.calls, call)
		s.mu.Unlock()
		resp, herr := s.handler(method, protocol, call.Request)
		var re *ipc.RemoteError
		switch {
		case herr == nil:
			rh := ipc.AppendResponseHeader(nil, ipc.ResponseHeader{CallID: h.CallID, Status: 0, ServerVersion: 9})
			err = c.writeFrame(ipc.Frame(rh, resp))
		case errors.As(herr, &re):
			rh := ipc.AppendResponseHeader(nil, ipc.ResponseHeader{CallID: h.CallID, Status: 1, ServerVersion: 9,
				ExceptionClass: re.Class, ErrorMsg: re.Message, ErrorDetail: 1})
			err = c.writeFrame(ipc.Frame(rh))
		default:
			rh := ipc.AppendResponseHeader(nil, ipc.ResponseHeader{CallID: h.CallID, Status: 2, ServerVersion: 9,
				ExceptionClass: "java.io.IOException", ErrorMsg: herr.Error(), ErrorDetail: 10})
			_ = c.writeFrame(ipc.Frame(rh))
			return herr
		}
		if err != nil {
			return err
		}
	}
}
