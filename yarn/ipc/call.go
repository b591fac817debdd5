package ipc

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
)

// ProtocolVersion is the clientProtocolVersion of the YARN PB protocols.
const ProtocolVersion = 1

// Call invokes method of protocol with the encoded request message and
// returns the encoded response message. A server-side exception comes back
// as a *RemoteError and the connection stays usable; anything else closes
// the connection (check Err, dial again).
func (c *Conn) Call(ctx context.Context, method, protocol string, req []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	id := c.nextID
	c.nextID++
	if c.nextID < 0 { // Hadoop wraps call ids at Integer.MAX_VALUE
		c.nextID = 0
	}
	stop := c.watch(ctx)
	resp, err := c.call(id, method, protocol, req)
	stop()
	var re *RemoteError
	if err != nil && !errors.As(err, &re) {
		err = ctxErr(ctx, err)
		c.err = fmt.Errorf("ipc: %s: connection broken: %w", c.addr, err)
		c.nc.Close()
		return nil, c.err
	}
	return resp, err
}

func (c *Conn) call(id int32, method, protocol string, req []byte) ([]byte, error) {
	h := AppendRequestHeader(nil, RequestHeader{CallID: id, ClientID: c.clientID, RetryCount: 0})
	mh := AppendRequestMethodHeader(nil, method, protocol, ProtocolVersion)
	if err := c.writeFrame(Frame(h, mh, req)); err != nil {
		return nil, err
	}
	for {
		frame, err := c.readFrame()
		if err != nil {
			return nil, err
		}
		rh, rest, err := splitHeader(frame)
		if err != nil {
			return nil, err
		}
		switch rh.Status {
		case statusFatal:
			return nil, &FatalError{Class: rh.ExceptionClass, Message: rh.ErrorMsg, ErrorDetail: rh.ErrorDetail}
		case statusError:
			if rh.CallID != id {
				continue
			}
			return nil, &RemoteError{Class: rh.ExceptionClass, Message: rh.ErrorMsg, ErrorDetail: rh.ErrorDetail, Method: method}
		case statusSuccess:
			if rh.CallID != id {
				continue // a stale answer: not ours
			}
			if len(rest) == 0 {
				return []byte{}, nil
			}
			body, _, err := SplitDelimited(rest)
			if err != nil {
				return nil, err
			}
			return append([]byte{}, body...), nil
		default:
			return nil, fmt.Errorf("ipc: unknown response status %d", rh.Status)
		}
	}
}

// writeFrame sends one length-prefixed frame, wrapped whole under
// integrity or privacy as RpcSaslProto{WRAP} behind a SASL header.
func (c *Conn) writeFrame(frame []byte) error {
	if c.sec != nil {
		h := AppendRequestHeader(nil, RequestHeader{CallID: CallIDSASL, RetryCount: -1})
		frame = Frame(h, AppendSASL(nil, SASLMessage{State: StateWrap, Token: c.sec.Wrap(frame)}))
	}
	_, err := c.nc.Write(frame)
	return err
}

// readFrame returns the next frame without its length prefix, unwrapping
// under integrity or privacy: the wrapped payloads form a stream of
// length-prefixed frames that need not align with the wraps.
func (c *Conn) readFrame() ([]byte, error) {
	if c.sec == nil {
		return readRaw(c.r)
	}
	for {
		if len(c.inbuf) >= 4 {
			n := binary.BigEndian.Uint32(c.inbuf)
			if n > MaxFrame {
				return nil, fmt.Errorf("ipc: frame of %d bytes exceeds %d", n, MaxFrame)
			}
			if uint32(len(c.inbuf)-4) >= n {
				frame := c.inbuf[4 : 4+n]
				c.inbuf = c.inbuf[4+n:]
				if len(c.inbuf) == 0 {
					c.inbuf = nil
				}
				return frame, nil
			}
		}
		raw, err := readRaw(c.r)
		if err != nil {
			return nil, err
		}
		h, rest, err := splitHeader(raw)
		if err != nil {
			return nil, err
		}
		if h.Status == statusFatal {
			return nil, &FatalError{Class: h.ExceptionClass, Message: h.ErrorMsg, ErrorDetail: h.ErrorDetail}
		}
		if h.CallID != CallIDSASL {
			return nil, fmt.Errorf("ipc: unwrapped frame (call id %d) on a %s connection", h.CallID, c.qop)
		}
		body, _, err := SplitDelimited(rest)
		if err != nil {
			return nil, err
		}
		m, err := ParseSASL(body)
		if err != nil {
			return nil, err
		}
		if m.State != StateWrap {
			return nil, fmt.Errorf("ipc: SASL state %d where WRAP was expected", m.State)
		}
		plain, err := c.sec.Unwrap(m.Token)
		if err != nil {
			return nil, err
		}
		c.inbuf = append(c.inbuf, plain...)
	}
}
