package nm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mlctl/mlctl/yarn/amrm"
	"github.com/mlctl/mlctl/yarn/ipc"
	"github.com/mlctl/mlctl/yarn/pb"
	"github.com/mlctl/mlctl/yarn/sasl"
	"github.com/mlctl/mlctl/yarn/token"
)

// Protocol is the ContainerManagementProtocol's name on the wire.
const Protocol = "org.apache.hadoop.yarn.api.ContainerManagementProtocolPB"

// Response field numbers (yarn_service_protos.proto, yarn_protos.proto).
const (
	fStartRespSucceeded = 2
	fStartRespFailed    = 3
	fStopRespSucceeded  = 1
	fStopRespFailed     = 2
	fStatusRespStatus   = 1
	fStatusRespFailed   = 2
	fIDsRequest         = 1 // Stop/GetContainerStatuses request: container_id

	fExcContainer = 1 // ContainerExceptionMapProto
	fExcException = 2
	fSerMessage   = 1 // SerializedExceptionProto
	fSerClass     = 3
)

// ContainerError is a per-container failure the NM reported.
type ContainerError struct {
	ID      amrm.ContainerID
	Class   string
	Message string
}

func (e *ContainerError) Error() string {
	return fmt.Sprintf("nm: container %s: %s: %s", e.ID, e.Class[strings.LastIndexByte(e.Class, '.')+1:], e.Message)
}

// Result lists what a bulk call did per container.
type Result struct {
	Succeeded []amrm.ContainerID
	Failed    []*ContainerError
}

// Client talks to NodeManagers: one connection per node, authenticated
// with that node's NMToken. Safe for concurrent use; calls to one node are
// serialised.
type Client struct {
	minQOP sasl.QOP

	mu      sync.Mutex
	tokens  map[string]*token.Token // node host:port -> NMToken
	conns   map[string]*ipc.Conn
	dialing map[string]*sync.Mutex
}

// NewClient returns a client that refuses NodeManagers negotiating
// protection weaker than minQOP ("" accepts any).
func NewClient(minQOP sasl.QOP) *Client {
	return &Client{minQOP: minQOP, tokens: map[string]*token.Token{}, conns: map[string]*ipc.Conn{},
		dialing: map[string]*sync.Mutex{}}
}

// AddNMTokens records NM tokens from allocate (or register) responses. The
// RM sends a node's token once (again after its key rolls); a newer one
// replaces the older for future connections.
func (c *Client) AddNMTokens(ts ...amrm.NMToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range ts {
		c.tokens[t.Node.String()] = t.Token.Clone()
	}
}

// conn returns the cached connection to node, dialling if there is none,
// it is broken, or it is failed (a connection a call just failed on).
// Dials to one node are serialised so concurrent callers share one
// connection.
func (c *Client) conn(ctx context.Context, node amrm.NodeID, failed *ipc.Conn) (*ipc.Conn, bool, error) {
	addr := node.String()
	c.mu.Lock()
	lock := c.dialing[addr]
	if lock == nil {
		lock = &sync.Mutex{}
		c.dialing[addr] = lock
	}
	c.mu.Unlock()
	lock.Lock()
	defer lock.Unlock()

	c.mu.Lock()
	conn, tok := c.conns[addr], c.tokens[addr]
	c.mu.Unlock()
	if conn != nil && conn != failed && conn.Err() == nil {
		return conn, true, nil
	}
	if tok == nil {
		return nil, false, fmt.Errorf("nm: no NMToken for node %s", addr)
	}
	nc, err := ipc.Dial(ctx, addr, ipc.Config{Protocol: Protocol, Token: tok, MinQOP: c.minQOP})
	if err != nil {
		return nil, false, fmt.Errorf("nm: %w", err)
	}
	c.mu.Lock()
	c.conns[addr] = nc
	c.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
	return nc, false, nil
}

// call runs one RPC on node; a failure of a reused connection (the NM may
// have closed it while idle) is retried once on a fresh one. A retried
// startContainers that had in fact gone through reports the container as
// failed ("already started") rather than starting it twice.
func (c *Client) call(ctx context.Context, node amrm.NodeID, method string, req []byte) ([]byte, error) {
	conn, reused, err := c.conn(ctx, node, nil)
	if err != nil {
		return nil, err
	}
	resp, err := conn.Call(ctx, method, Protocol, req)
	var re *ipc.RemoteError
	if err == nil || errors.As(err, &re) || !reused || ctx.Err() != nil {
		return resp, err
	}
	if conn, _, err = c.conn(ctx, node, conn); err != nil {
		return nil, err
	}
	return conn.Call(ctx, method, Protocol, req)
}

// StartContainers starts containers allocated on node.
func (c *Client) StartContainers(ctx context.Context, node amrm.NodeID, reqs ...StartRequest) (*Result, error) {
	req, err := encodeStart(reqs)
	if err != nil {
		return nil, err
	}
	resp, err := c.call(ctx, node, "startContainers", req)
	if err != nil {
		return nil, err
	}
	return decodeResult(resp, fStartRespSucceeded, fStartRespFailed)
}

// StopContainers stops containers on node.
func (c *Client) StopContainers(ctx context.Context, node amrm.NodeID, ids ...amrm.ContainerID) (*Result, error) {
	resp, err := c.call(ctx, node, "stopContainers", encodeIDs(ids))
	if err != nil {
		return nil, err
	}
	return decodeResult(resp, fStopRespSucceeded, fStopRespFailed)
}

// GetContainerStatuses asks node for the state of containers.
func (c *Client) GetContainerStatuses(ctx context.Context, node amrm.NodeID, ids ...amrm.ContainerID) ([]amrm.ContainerStatus, []*ContainerError, error) {
	resp, err := c.call(ctx, node, "getContainerStatuses", encodeIDs(ids))
	if err != nil {
		return nil, nil, err
	}
	var sts []amrm.ContainerStatus
	var failed []*ContainerError
	err = pb.Walk(resp, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case fStatusRespStatus:
			s, err := amrm.DecodeContainerStatus(v)
			if err != nil {
				return err
			}
			sts = append(sts, s)
		case fStatusRespFailed:
			e, err := decodeContainerError(v)
			if err != nil {
				return err
			}
			failed = append(failed, e)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("nm: GetContainerStatusesResponseProto: %w", err)
	}
	return sts, failed, nil
}

// Close closes every NodeManager connection.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for addr, conn := range c.conns {
		conn.Close()
		delete(c.conns, addr)
	}
	return nil
}

func encodeIDs(ids []amrm.ContainerID) []byte {
	var b []byte
	for _, id := range ids {
		b = pb.AppendMsg(b, fIDsRequest, amrm.AppendContainerID(nil, id))
	}
	return b
}

func decodeResult(b []byte, succeeded, failed protowire.Number) (*Result, error) {
	r := &Result{}
	err := pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case succeeded:
			id, err := amrm.DecodeContainerID(v)
			if err != nil {
				return err
			}
			r.Succeeded = append(r.Succeeded, id)
		case failed:
			e, err := decodeContainerError(v)
			if err != nil {
				return err
			}
			r.Failed = append(r.Failed, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("nm: response: %w", err)
	}
	return r, nil
}

func decodeContainerError(b []byte) (*ContainerError, error) {
	e := &ContainerError{}
	err := pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case fExcContainer:
			id, err := amrm.DecodeContainerID(v)
			e.ID = id
			return err
		case fExcException:
			return pb.Walk(v, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
				if typ == protowire.BytesType {
					switch num {
					case fSerMessage:
						e.Message = string(v)
					case fSerClass:
						e.Class = string(v)
					}
				}
				return nil
			})
		}
		return nil
	})
	return e, err
}
