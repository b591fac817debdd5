package amrm

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mlctl/mlctl/yarn/pb"
	"github.com/mlctl/mlctl/yarn/token"
)

// Field numbers from apache/hadoop's yarn_protos.proto.
const (
	fAppIDID        = 1 // ApplicationIdProto.id
	fAppIDTs        = 2 // ApplicationIdProto.cluster_timestamp
	fAttemptApp     = 1 // ApplicationAttemptIdProto.application_id
	fAttemptAttempt = 2 // ApplicationAttemptIdProto.attemptId
	fCIDApp         = 1 // ContainerIdProto.app_id (old; Java writes only 2 and 3)
	fCIDAttempt     = 2 // ContainerIdProto.app_attempt_id
	fCIDID          = 3 // ContainerIdProto.id
	fNodeHost       = 1 // NodeIdProto.host
	fNodePort       = 2 // NodeIdProto.port
	fResMemory      = 1 // ResourceProto.memory (int64, MB)
	fResVCores      = 2 // ResourceProto.virtual_cores
	fPriority       = 1 // PriorityProto.priority

	// ContainerProto
	fContID       = 1
	fContNode     = 2
	fContHTTPAddr = 3
	fContResource = 4
	fContPriority = 5
	fContToken    = 6

	// ContainerStatusProto
	fStatusID          = 1
	fStatusState       = 2
	fStatusDiagnostics = 3
	fStatusExit        = 4

	// NMTokenProto (yarn_service_protos.proto)
	fNMTokNode  = 1
	fNMTokToken = 2
)

// ContainerState is ContainerStateProto.
type ContainerState int

// Container states.
const (
	ContainerNew       ContainerState = 1
	ContainerRunning   ContainerState = 2
	ContainerComplete  ContainerState = 3
	ContainerScheduled ContainerState = 4
)

func (s ContainerState) String() string {
	switch s {
	case ContainerNew:
		return "NEW"
	case ContainerRunning:
		return "RUNNING"
	case ContainerComplete:
		return "COMPLETE"
	case ContainerScheduled:
		return "SCHEDULED"
	}
	return fmt.Sprintf("ContainerState(%d)", int(s))
}

// Container is an allocated container. Token (the container token) goes
// unchanged into the NodeManager's StartContainerRequest.
type Container struct {
	ID              ContainerID
	Node            NodeID
	NodeHTTPAddress string
	Resource        Resource
	Priority        int32
	Token           *token.Token
}

// ContainerStatus reports a container's state; ExitStatus is -1000
// (invalid) until it completes.
type ContainerStatus struct {
	ID          ContainerID
	State       ContainerState
	Diagnostics string
	ExitStatus  int32
}

// NMToken authenticates the AM to one NodeManager.
type NMToken struct {
	Node  NodeID
	Token *token.Token
}

// int32 fields are sign-extended varints, as protobuf writes them.
func i32(v int32) uint64 { return uint64(int64(v)) }

func appendApplicationID(b []byte, a ApplicationID) []byte {
	b = pb.AppendVarint(b, fAppIDID, i32(a.ID))
	return pb.AppendVarint(b, fAppIDTs, uint64(a.ClusterTimestamp))
}

func appendAttemptID(b []byte, a ApplicationAttemptID) []byte {
	b = pb.AppendMsg(b, fAttemptApp, appendApplicationID(nil, a.App))
	return pb.AppendVarint(b, fAttemptAttempt, i32(a.Attempt))
}

// AppendContainerID encodes a ContainerIdProto as Java does (attempt and
// id; no app_id).
func AppendContainerID(b []byte, c ContainerID) []byte {
	b = pb.AppendMsg(b, fCIDAttempt, appendAttemptID(nil, c.Attempt))
	return pb.AppendVarint(b, fCIDID, uint64(c.ID))
}

func appendResource(b []byte, r Resource) []byte {
	b = pb.AppendVarint(b, fResMemory, uint64(r.MemoryMB))
	return pb.AppendVarint(b, fResVCores, i32(r.VCores))
}

func decodeApplicationID(b []byte) (a ApplicationID, err error) {
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, _ []byte, x uint64) error {
		if typ == protowire.VarintType {
			switch num {
			case fAppIDID:
				a.ID = int32(x)
			case fAppIDTs:
				a.ClusterTimestamp = int64(x)
			}
		}
		return nil
	})
	return a, err
}

func decodeAttemptID(b []byte) (a ApplicationAttemptID, err error) {
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == fAttemptApp && typ == protowire.BytesType:
			a.App, err = decodeApplicationID(v)
			return err
		case num == fAttemptAttempt && typ == protowire.VarintType:
			a.Attempt = int32(x)
		}
		return nil
	})
	return a, err
}

// DecodeContainerID decodes a ContainerIdProto.
func DecodeContainerID(b []byte) (c ContainerID, err error) {
	var app ApplicationID
	hasAttempt := false
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		var err error
		switch {
		case num == fCIDApp && typ == protowire.BytesType:
			app, err = decodeApplicationID(v)
		case num == fCIDAttempt && typ == protowire.BytesType:
			c.Attempt, err = decodeAttemptID(v)
			hasAttempt = true
		case num == fCIDID && typ == protowire.VarintType:
			c.ID = int64(x)
		}
		return err
	})
	if !hasAttempt {
		c.Attempt.App = app
	}
	return c, err
}

func decodeNodeID(b []byte) (n NodeID, err error) {
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == fNodeHost && typ == protowire.BytesType:
			n.Host = string(v)
		case num == fNodePort && typ == protowire.VarintType:
			n.Port = int32(x)
		}
		return nil
	})
	return n, err
}

func decodeResource(b []byte) (r Resource, err error) {
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, _ []byte, x uint64) error {
		if typ == protowire.VarintType {
			switch num {
			case fResMemory:
				r.MemoryMB = int64(x)
			case fResVCores:
				r.VCores = int32(x)
			}
		}
		return nil
	})
	return r, err
}

func decodePriority(b []byte) (p int32, err error) {
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, _ []byte, x uint64) error {
		if num == fPriority && typ == protowire.VarintType {
			p = int32(x)
		}
		return nil
	})
	return p, err
}

func decodeContainer(b []byte) (c Container, err error) {
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if typ != protowire.BytesType {
			return nil
		}
		var err error
		switch num {
		case fContID:
			c.ID, err = DecodeContainerID(v)
		case fContNode:
			c.Node, err = decodeNodeID(v)
		case fContHTTPAddr:
			c.NodeHTTPAddress = string(v)
		case fContResource:
			c.Resource, err = decodeResource(v)
		case fContPriority:
			c.Priority, err = decodePriority(v)
		case fContToken:
			c.Token, err = token.UnmarshalProto(v)
		}
		return err
	})
	return c, err
}

// DecodeContainerStatus decodes a ContainerStatusProto.
func DecodeContainerStatus(b []byte) (s ContainerStatus, err error) {
	s.Diagnostics, s.ExitStatus = "N/A", -1000 // the proto's defaults
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		var err error
		switch {
		case num == fStatusID && typ == protowire.BytesType:
			s.ID, err = DecodeContainerID(v)
		case num == fStatusState && typ == protowire.VarintType:
			s.State = ContainerState(x)
		case num == fStatusDiagnostics && typ == protowire.BytesType:
			s.Diagnostics = string(v)
		case num == fStatusExit && typ == protowire.VarintType:
			s.ExitStatus = int32(x)
		}
		return err
	})
	return s, err
}

func decodeNMToken(b []byte) (t NMToken, err error) {
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		var err error
		switch {
		case num == fNMTokNode && typ == protowire.BytesType:
			t.Node, err = decodeNodeID(v)
		case num == fNMTokToken && typ == protowire.BytesType:
			t.Token, err = token.UnmarshalProto(v)
		}
		return err
	})
	if err == nil && t.Token == nil {
		err = fmt.Errorf("amrm: NMTokenProto for %s without a token", t.Node)
	}
	return t, err
}
