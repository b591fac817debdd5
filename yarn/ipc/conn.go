package ipc

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/mlctl/mlctl/yarn/sasl"
	"github.com/mlctl/mlctl/yarn/token"
)

// Config says how to authenticate a connection.
type Config struct {
	// Protocol is the connection's protocol, sent in the connection
	// context, e.g. "org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB".
	Protocol string
	// Token authenticates the connection (TOKEN / DIGEST-MD5).
	Token *token.Token
	// MinQOP refuses servers that negotiate weaker protection; empty
	// accepts whatever the server offers (the strongest is chosen).
	MinQOP sasl.QOP
}

// Conn is one authenticated Hadoop IPC connection. Calls are serialised.
type Conn struct {
	nc       net.Conn
	r        *bufio.Reader
	clientID []byte
	sec      *sasl.Security
	qop      sasl.QOP
	addr     string

	mu     sync.Mutex // one call at a time
	nextID int32
	inbuf  []byte // unwrapped bytes not yet framed
	err    error  // sticky: set once the connection is unusable
}

// Dial connects to addr, authenticates with cfg.Token and sends the
// connection context. ctx bounds the whole handshake.
func Dial(ctx context.Context, addr string, cfg Config) (*Conn, error) {
	if cfg.Token == nil {
		return nil, errors.New("ipc: no token to authenticate with")
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ipc: dial %s: %w", addr, err)
	}
	c := &Conn{nc: nc, r: bufio.NewReaderSize(nc, 64<<10), addr: addr, clientID: make([]byte, 16)}
	if _, err := rand.Read(c.clientID); err != nil {
		nc.Close()
		return nil, err
	}
	stop := c.watch(ctx)
	err = c.handshake(cfg)
	stop()
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("ipc: %s: %w", addr, ctxErr(ctx, err))
	}
	return c, nil
}

// watch applies ctx's deadline and cancellation to the socket until the
// returned stop is called.
func (c *Conn) watch(ctx context.Context) (stop func()) {
	dl, _ := ctx.Deadline()
	_ = c.nc.SetDeadline(dl) // zero time: no deadline
	cancel := context.AfterFunc(ctx, func() { _ = c.nc.SetDeadline(time.Unix(1, 0)) })
	return func() { cancel() }
}

// ctxErr blames ctx for an I/O error it caused: the socket deadline can
// fire a moment before ctx reports itself done.
func ctxErr(ctx context.Context, err error) error {
	if ce := ctx.Err(); ce != nil {
		return fmt.Errorf("%w (%v)", ce, err)
	}
	var ne net.Error
	if dl, ok := ctx.Deadline(); ok && errors.As(err, &ne) && ne.Timeout() && !time.Now().Before(dl) {
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	return err
}

func (c *Conn) handshake(cfg Config) error {
	saslHdr := AppendRequestHeader(nil, RequestHeader{CallID: CallIDSASL, RetryCount: -1})
	out := append([]byte(nil), ConnectionHeader...)
	out = append(out, Frame(saslHdr, AppendSASL(nil, SASLMessage{State: StateNegotiate}))...)
	if _, err := c.nc.Write(out); err != nil {
		return err
	}
	var client *sasl.Client
	for {
		m, err := c.readSASL()
		if err != nil {
			return err
		}
		var reply SASLMessage
		switch m.State {
		case StateNegotiate:
			auth, err := pickAuth(m.Auths)
			if err != nil {
				return err
			}
			client = sasl.NewTokenClient(cfg.Token.Identifier, cfg.Token.Password, auth.Protocol, auth.ServerID, cfg.MinQOP)
			var resp []byte
			if auth.Challenge != nil {
				if resp, err = client.Respond(auth.Challenge); err != nil {
					return err
				}
			}
			auth.Challenge = nil
			reply = SASLMessage{State: StateInitiate, Token: resp, Auths: []SASLAuth{auth}}
		case StateChallenge:
			if client == nil {
				return errors.New("ipc: SASL CHALLENGE before NEGOTIATE")
			}
			resp, err := client.Respond(m.Token)
			if err != nil {
				return err
			}
			reply = SASLMessage{State: StateResponse, Token: resp}
		case StateSuccess:
			if client == nil {
				// The server switched to SIMPLE: no token needed, no layer.
				if cfg.MinQOP != "" && cfg.MinQOP != sasl.QOPAuth {
					return fmt.Errorf("ipc: server skipped authentication, %s required", cfg.MinQOP)
				}
				c.qop = ""
				return c.writeFrame(c.contextFrame(cfg.Protocol))
			}
			if c.sec, err = client.Verify(m.Token); err != nil {
				return err
			}
			c.qop = client.QOP()
			return c.writeFrame(c.contextFrame(cfg.Protocol))
		default:
			return fmt.Errorf("ipc: unexpected SASL state %d during negotiation", m.State)
		}
		if _, err := c.nc.Write(Frame(saslHdr, AppendSASL(nil, reply))); err != nil {
			return err
		}
	}
}

func pickAuth(auths []SASLAuth) (SASLAuth, error) {
	var offered []string
	for _, a := range auths {
		if a.Method == "TOKEN" && a.Mechanism == "DIGEST-MD5" {
			return a, nil
		}
		offered = append(offered, a.Method+"/"+a.Mechanism)
	}
	return SASLAuth{}, fmt.Errorf("ipc: server offers %v, not TOKEN/DIGEST-MD5", offered)
}

func (c *Conn) contextFrame(protocol string) []byte {
	h := AppendRequestHeader(nil, RequestHeader{CallID: CallIDContext, ClientID: c.clientID, RetryCount: -1})
	return Frame(h, AppendConnectionContext(nil, protocol))
}

// readSASL reads one unwrapped SASL reply during the handshake.
func (c *Conn) readSASL() (SASLMessage, error) {
	frame, err := readRaw(c.r)
	if err != nil {
		return SASLMessage{}, err
	}
	h, rest, err := splitHeader(frame)
	if err != nil {
		return SASLMessage{}, err
	}
	if h.Status != statusSuccess {
		return SASLMessage{}, &FatalError{Class: h.ExceptionClass, Message: h.ErrorMsg, ErrorDetail: h.ErrorDetail}
	}
	if h.CallID != CallIDSASL {
		return SASLMessage{}, fmt.Errorf("ipc: call id %d during SASL negotiation", h.CallID)
	}
	body, _, err := SplitDelimited(rest)
	if err != nil {
		return SASLMessage{}, err
	}
	return ParseSASL(body)
}

// QOP is the protection the connection negotiated: "" when the server
// skipped authentication.
func (c *Conn) QOP() sasl.QOP { return c.qop }

// RemoteAddr is the server's address.
func (c *Conn) RemoteAddr() string { return c.addr }

// Err is non-nil once the connection can no longer carry calls.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close closes the connection.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = ErrClosed
	}
	return c.nc.Close()
}

func readRaw(r io.Reader) ([]byte, error) {
	var lb [4]byte
	if _, err := io.ReadFull(r, lb[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(lb[:])
	if n > MaxFrame {
		return nil, fmt.Errorf("ipc: frame of %d bytes exceeds %d", n, MaxFrame)
	}
	frame := make([]byte, n)
	if _, err := io.ReadFull(r, frame); err != nil {
		return nil, err
	}
	return frame, nil
}

func splitHeader(frame []byte) (ResponseHeader, []byte, error) {
	hb, rest, err := SplitDelimited(frame)
	if err != nil {
		return ResponseHeader{}, nil, err
	}
	h, err := ParseResponseHeader(hb)
	return h, rest, err
}
