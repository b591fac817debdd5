package amrm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mlctl/mlctl/yarn/ipc"
	"github.com/mlctl/mlctl/yarn/sasl"
	"github.com/mlctl/mlctl/yarn/token"
)

// Protocol is the ApplicationMasterProtocol's name on the wire.
const Protocol = "org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB"

// FinishInterval is how often Finish repeats finishApplicationMaster
// while the RM answers isUnregistered=false.
var FinishInterval = 100 * time.Millisecond

// Client is the AM's connection to the RM's scheduler port. It keeps the
// allocate responseId in step with the RM's and redials (with its current
// AMRMToken) when the connection breaks. Safe for concurrent use; calls
// are serialised.
type Client struct {
	addr   string
	minQOP sasl.QOP

	mu         sync.Mutex
	conn       *ipc.Conn
	tok        *token.Token
	responseID int32
}

// Dial connects to the scheduler address (yarn.resourcemanager.scheduler.address:
// the AMRMToken's service is empty, so the caller must know it) and
// authenticates with the AMRMToken. qopRequired, if set, refuses an RM
// that negotiates weaker protection.
func Dial(ctx context.Context, schedulerAddr string, tok *token.Token, qopRequired sasl.QOP) (*Client, error) {
	c := &Client{addr: schedulerAddr, minQOP: qopRequired, tok: tok.Clone()}
	conn, err := c.dial(ctx, c.tok)
	if err != nil {
		return nil, err
	}
	c.conn = conn
	return c, nil
}

func (c *Client) dial(ctx context.Context, tok *token.Token) (*ipc.Conn, error) {
	conn, err := ipc.Dial(ctx, c.addr, ipc.Config{Protocol: Protocol, Token: tok, MinQOP: c.minQOP})
	if err != nil {
		return nil, fmt.Errorf("amrm: %w", err)
	}
	return conn, nil
}

// QOP is the protection the current connection negotiated.
func (c *Client) QOP() sasl.QOP {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn.QOP()
}

// Token is the AMRMToken in use.
func (c *Client) Token() *token.Token {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tok.Clone()
}

// call runs one RPC; after a connection failure (not a RemoteError) it
// redials once and, if retry, repeats the call.
func (c *Client) call(ctx context.Context, method string, req []byte, retry bool) ([]byte, error) {
	if c.conn == nil || c.conn.Err() != nil {
		conn, err := c.dial(ctx, c.tok)
		if err != nil {
			return nil, err
		}
		c.conn = conn
	}
	resp, err := c.conn.Call(ctx, method, Protocol, req)
	var re *ipc.RemoteError
	if err == nil || errors.As(err, &re) || !retry || ctx.Err() != nil {
		return resp, err
	}
	conn, derr := c.dial(ctx, c.tok)
	if derr != nil {
		return nil, fmt.Errorf("%w (redial: %v)", err, derr)
	}
	c.conn = conn
	return c.conn.Call(ctx, method, Protocol, req)
}

// Register is registerApplicationMaster. host, rpcPort and trackingURL
// are what the RM shows for the attempt (rpcPort 0 / "" when none).
func (c *Client) Register(ctx context.Context, host string, rpcPort int32, trackingURL string) (*RegisterResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Not retried: a second register fails with
	// InvalidApplicationMasterRequestException.
	resp, err := c.call(ctx, "registerApplicationMaster", encodeRegister(host, rpcPort, trackingURL), false)
	if err != nil {
		return nil, err
	}
	return decodeRegisterResponse(resp)
}

// Allocate is one allocate heartbeat. It sends the responseId the RM
// last gave (resending it after a broken connection replays the RM's last
// response, so the retry is safe) and keeps the RM's new one. A non-nil
// AMRMToken in the response means the RM rolled its key: call Reconnect.
func (c *Client) Allocate(ctx context.Context, req AllocateRequest) (*AllocateResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	raw, err := c.call(ctx, "allocate", encodeAllocate(req, c.responseID), true)
	if err != nil {
		return nil, err
	}
	resp, err := decodeAllocateResponse(raw)
	if err != nil {
		return nil, err
	}
	c.responseID = resp.ResponseID
	return resp, nil
}

// ResponseID is the responseId the next Allocate will send.
func (c *Client) ResponseID() int32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.responseID
}

// Reconnect switches to a rolled AMRMToken: it dials a new connection with
// it and closes the old one only once the new one is up (the old one
// keeps working meanwhile). The responseId carries over.
func (c *Client) Reconnect(ctx context.Context, tok *token.Token) error {
	if tok == nil {
		return errors.New("amrm: Reconnect without a token")
	}
	conn, err := c.dial(ctx, tok)
	if err != nil {
		return err
	}
	c.mu.Lock()
	old := c.conn
	c.conn, c.tok = conn, tok.Clone()
	c.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

// Finish is finishApplicationMaster, repeated every FinishInterval until
// the RM answers isUnregistered=true (its first answer is usually false)
// or ctx ends.
func (c *Client) Finish(ctx context.Context, status FinalStatus, diagnostics, trackingURL string) error {
	req := encodeFinish(status, diagnostics, trackingURL)
	for {
		c.mu.Lock()
		raw, err := c.call(ctx, "finishApplicationMaster", req, true)
		c.mu.Unlock()
		if err != nil {
			return err
		}
		done, err := decodeFinishResponse(raw)
		if err != nil {
			return fmt.Errorf("amrm: FinishApplicationMasterResponseProto: %w", err)
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("amrm: RM has not confirmed unregistration: %w", ctx.Err())
		case <-time.After(FinishInterval):
		}
	}
}

// Close closes the connection.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return nil
	}
	return c.conn.Close()
}
