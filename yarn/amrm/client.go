package amrm

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	addrs  []string // the RMs' scheduler addresses (several under RM HA)
	cur    int      // the one in use
	minQOP sasl.QOP

	mu         sync.Mutex
	conn       *ipc.Conn
	tok        *token.Token
	responseID int32
	register   []byte // the registration, to repeat with an RM that lost it
}

// Dial connects to the scheduler address (yarn.resourcemanager.scheduler.address:
// the AMRMToken's service is empty, so the caller must know it) and
// authenticates with the AMRMToken. qopRequired, if set, refuses an RM
// that negotiates weaker protection.
func Dial(ctx context.Context, schedulerAddr string, tok *token.Token, qopRequired sasl.QOP) (*Client, error) {
	return DialHA(ctx, []string{schedulerAddr}, tok, qopRequired)
}

// DialHA is Dial for ResourceManager HA: addrs are the scheduler addresses
// of every RM (yarn.resourcemanager.scheduler.address.<rm-id>), tried in
// turn. A broken connection or an RM that answers StandbyException moves
// the client to the next one, as Hadoop's failover proxy does, so the AM
// follows the active RM.
func DialHA(ctx context.Context, addrs []string, tok *token.Token, qopRequired sasl.QOP) (*Client, error) {
	if len(addrs) == 0 {
		return nil, errors.New("amrm: no scheduler address")
	}
	c := &Client{addrs: append([]string(nil), addrs...), minQOP: qopRequired, tok: tok.Clone()}
	conn, err := c.dial(ctx, c.tok)
	if err != nil {
		return nil, err
	}
	c.conn = conn
	return c, nil
}

// Addr is the scheduler address in use.
func (c *Client) Addr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.addrs[c.cur]
}

// dial connects to the current address, or else to each other one in turn
// (the first that answers becomes current).
func (c *Client) dial(ctx context.Context, tok *token.Token) (*ipc.Conn, error) {
	var errs []error
	for i := range c.addrs {
		k := (c.cur + i) % len(c.addrs)
		conn, err := ipc.Dial(ctx, c.addrs[k], ipc.Config{Protocol: Protocol, Token: tok, MinQOP: c.minQOP})
		if err == nil {
			c.cur = k
			return conn, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", c.addrs[k], err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("amrm: %w", errors.Join(errs...))
}

// standby reports an RM that is not the active one of an HA pair.
func standby(err error) bool {
	var re *ipc.RemoteError
	return errors.As(err, &re) && strings.HasSuffix(re.Class, ".StandbyException")
}

// failover closes the connection and dials the next RM.
func (c *Client) failover(ctx context.Context) error {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
	c.cur = (c.cur + 1) % len(c.addrs)
	conn, err := c.dial(ctx, c.tok)
	if err != nil {
		return err
	}
	c.conn = conn
	return nil
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

// call runs one RPC. A standby RM did not run it, so the call moves to the
// next RM and runs there (each RM tried at most once). After a connection
// failure (not a RemoteError) it redials, the next RMs too, and, if retry,
// repeats the call.
func (c *Client) call(ctx context.Context, method string, req []byte, retry bool) ([]byte, error) {
	if c.conn == nil || c.conn.Err() != nil {
		conn, err := c.dial(ctx, c.tok)
		if err != nil {
			return nil, err
		}
		c.conn = conn
	}
	resp, err := c.conn.Call(ctx, method, Protocol, req)
	for tries := 1; standby(err) && tries < len(c.addrs) && ctx.Err() == nil; tries++ {
		if ferr := c.failover(ctx); ferr != nil {
			return nil, fmt.Errorf("%w (failing over: %v)", err, ferr)
		}
		resp, err = c.conn.Call(ctx, method, Protocol, req)
	}
	var re *ipc.RemoteError
	if err == nil || errors.As(err, &re) || !retry || ctx.Err() != nil {
		return resp, err
	}
	c.conn.Close()
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
	req := encodeRegister(host, rpcPort, trackingURL)
	resp, err := c.call(ctx, "registerApplicationMaster", req, false)
	if err != nil {
		return nil, err
	}
	c.register = req
	return decodeRegisterResponse(resp)
}

// reregister registers again with an RM that does not know the attempt
// (the new active RM after a failover, or a restarted one): as Hadoop's
// AMRMClient does, the AM resyncs and heartbeats from responseId 0.
func (c *Client) reregister(ctx context.Context) error {
	if c.register == nil {
		return errors.New("amrm: not registered")
	}
	if _, err := c.call(ctx, "registerApplicationMaster", c.register, false); err != nil && !ipc.IsRemote(err, "InvalidApplicationMasterRequestException") {
		return err
	}
	c.responseID = 0
	return nil
}

// Resync re-registers after the RM answered an allocate with AM_RESYNC.
func (c *Client) Resync(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reregister(ctx)
}

// Allocate is one allocate heartbeat. It sends the responseId the RM
// last gave (resending it after a broken connection replays the RM's last
// response, so the retry is safe) and keeps the RM's new one. A non-nil
// AMRMToken in the response means the RM rolled its key: call Reconnect.
func (c *Client) Allocate(ctx context.Context, req AllocateRequest) (*AllocateResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	raw, err := c.call(ctx, "allocate", encodeAllocate(req, c.responseID), true)
	if ipc.IsRemote(err, "ApplicationMasterNotRegisteredException") && c.register != nil {
		if rerr := c.reregister(ctx); rerr != nil {
			return nil, fmt.Errorf("%w (registering again: %v)", err, rerr)
		}
		raw, err = c.call(ctx, "allocate", encodeAllocate(req, c.responseID), true)
	}
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
