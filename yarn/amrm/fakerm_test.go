package amrm

import (
	"fmt"
	"sync"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mlctl/mlctl/yarn/ipc"
	"github.com/mlctl/mlctl/yarn/pb"
	"github.com/mlctl/mlctl/yarn/token"
)

// Encoders for the RM's side, for the fake RM only.

func appendContainer(b []byte, c Container) []byte {
	b = pb.AppendMsg(b, fContID, AppendContainerID(nil, c.ID))
	node := pb.AppendString(nil, fNodeHost, c.Node.Host)
	b = pb.AppendMsg(b, fContNode, pb.AppendVarint(node, fNodePort, i32(c.Node.Port)))
	b = pb.AppendString(b, fContHTTPAddr, c.NodeHTTPAddress)
	b = pb.AppendMsg(b, fContResource, appendResource(nil, c.Resource))
	b = pb.AppendMsg(b, fContPriority, pb.AppendVarint(nil, fPriority, i32(c.Priority)))
	return pb.AppendMsg(b, fContToken, c.Token.AppendProto(nil))
}

func appendNMToken(b []byte, t NMToken) []byte {
	node := pb.AppendString(nil, fNodeHost, t.Node.Host)
	b = pb.AppendMsg(b, fNMTokNode, pb.AppendVarint(node, fNodePort, i32(t.Node.Port)))
	return pb.AppendMsg(b, fNMTokToken, t.Token.AppendProto(nil))
}

func appendStatus(b []byte, s ContainerStatus) []byte {
	b = pb.AppendMsg(b, fStatusID, AppendContainerID(nil, s.ID))
	b = pb.AppendVarint(b, fStatusState, uint64(s.State))
	b = pb.AppendString(b, fStatusDiagnostics, s.Diagnostics)
	return pb.AppendVarint(b, fStatusExit, i32(s.ExitStatus))
}

func encodeAllocateResponse(r *AllocateResponse) []byte {
	var b []byte
	if r.Command != 0 {
		b = pb.AppendVarint(b, fARespCommand, uint64(r.Command))
	}
	b = pb.AppendVarint(b, fARespResponseID, i32(r.ResponseID))
	for _, c := range r.Allocated {
		b = pb.AppendMsg(b, fARespAllocated, appendContainer(nil, c))
	}
	for _, s := range r.Completed {
		b = pb.AppendMsg(b, fARespCompleted, appendStatus(nil, s))
	}
	b = pb.AppendMsg(b, fARespLimit, appendResource(nil, r.Available))
	b = pb.AppendVarint(b, fARespNumNodes, i32(r.NumClusterNodes))
	for _, t := range r.NMTokens {
		b = pb.AppendMsg(b, fARespNMTokens, appendNMToken(nil, t))
	}
	if r.AMRMToken != nil {
		b = pb.AppendMsg(b, fARespAMRMToken, r.AMRMToken.AppendProto(nil))
	}
	return b
}

// fakeRM follows the RM's rules as HADOOP-NOTES.md records them.
type fakeRM struct {
	mu          sync.Mutex
	registered  bool
	responseID  int32
	last        []byte
	granted     int32
	nextID      int64
	finishCalls int
	rollTo      *token.Token // sent in field 12 while set
	asks        []int32      // numContainers of each allocate
	// A later attempt's registration lists these (work-preserving restart).
	previous   []Container
	previousNM []NMToken
}

func invalid(msg string) error {
	return &ipc.RemoteError{Class: "org.apache.hadoop.yarn.exceptions.InvalidApplicationMasterRequestException", Message: msg}
}

func (f *fakeRM) handle(method, protocol string, req []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if protocol != Protocol {
		return nil, fmt.Errorf("protocol %s", protocol)
	}
	switch method {
	case "registerApplicationMaster":
		if f.registered {
			return nil, invalid("Application Master is already registered")
		}
		f.registered = true
		b := pb.AppendMsg(nil, fRegRespMaxCap, appendResource(nil, Resource{MemoryMB: 8192, VCores: 4}))
		for _, c := range f.previous {
			b = pb.AppendMsg(b, fRegRespPrevConts, appendContainer(nil, c))
		}
		for _, t := range f.previousNM {
			b = pb.AppendMsg(b, fRegRespPrevNMTokens, appendNMToken(nil, t))
		}
		return pb.AppendString(b, fRegRespQueue, "default"), nil
	case "allocate":
		if !f.registered {
			return nil, &ipc.RemoteError{Class: "org.apache.hadoop.yarn.exceptions.ApplicationMasterNotRegisteredException", Message: "not registered"}
		}
		var rid, want int32 = -1, 0
		err := pb.Walk(req, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
			switch {
			case num == fAllocResponseID:
				rid = int32(x)
			case num == fAllocAsk:
				return pb.Walk(v, func(num protowire.Number, _ protowire.Type, _ []byte, x uint64) error {
					if num == fAskNumContainers {
						want = int32(x)
					}
					return nil
				})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if rid+1 == f.responseID && f.last != nil {
			return f.last, nil // replay
		}
		if rid != f.responseID {
			return nil, invalid(fmt.Sprintf("expect responseId to be %d but get %d", f.responseID, rid))
		}
		f.asks = append(f.asks, want)
		f.responseID++
		r := &AllocateResponse{ResponseID: f.responseID, NumClusterNodes: 1, Available: Resource{MemoryMB: 4096, VCores: 2}, AMRMToken: f.rollTo}
		// The ask is a total: grant one container per heartbeat while the
		// total exceeds what was granted since.
		if want > 0 {
			f.nextID++
			node := NodeID{Host: "127.0.0.1", Port: 45454}
			r.Allocated = []Container{{ID: ContainerID{Attempt: refAttempt, ID: 1<<40 | (f.nextID + 1)}, Node: node,
				NodeHTTPAddress: "127.0.0.1:8042", Resource: Resource{MemoryMB: 128, VCores: 1}, Priority: 1,
				Token: &token.Token{Identifier: []byte("ctok"), Password: []byte("cpw"), Kind: "ContainerToken", Service: node.String()}}}
			if f.nextID == 1 {
				r.NMTokens = []NMToken{{Node: node, Token: &token.Token{Identifier: []byte("nmid"), Password: []byte("nmpw"), Kind: token.KindNM, Service: node.String()}}}
			}
			if f.nextID > 1 {
				r.Completed = []ContainerStatus{{ID: ContainerID{Attempt: refAttempt, ID: 1<<40 | f.nextID}, State: ContainerComplete, Diagnostics: "Container killed", ExitStatus: 143}}
			}
		}
		f.last = encodeAllocateResponse(r)
		return f.last, nil
	case "finishApplicationMaster":
		f.finishCalls++
		return pb.AppendVarint(nil, fFinRespUnregistered, protowire.EncodeBool(f.finishCalls >= 3)), nil
	}
	return nil, &ipc.RemoteError{Class: "org.apache.hadoop.ipc.RpcNoSuchMethodException", Message: method}
}
