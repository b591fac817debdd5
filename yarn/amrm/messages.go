package amrm

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mlctl/mlctl/yarn/pb"
	"github.com/mlctl/mlctl/yarn/token"
)

// Field numbers from apache/hadoop's yarn_service_protos.proto and
// yarn_protos.proto (ResourceRequestProto).
const (
	fRegHost        = 1
	fRegRPCPort     = 2
	fRegTrackingURL = 3

	fRegRespMaxCap       = 1
	fRegRespPrevConts    = 4
	fRegRespQueue        = 5
	fRegRespPrevNMTokens = 6

	fAskPriority      = 1
	fAskResourceName  = 2
	fAskCapability    = 3
	fAskNumContainers = 4
	fAskRelaxLocality = 5

	fAllocAsk        = 1
	fAllocRelease    = 2
	fAllocResponseID = 4
	fAllocProgress   = 5 // float

	fARespCommand      = 1
	fARespResponseID   = 2
	fARespAllocated    = 3
	fARespCompleted    = 4
	fARespLimit        = 5
	fARespNumNodes     = 7
	fARespNMTokens     = 9
	fARespAMRMToken    = 12
	fARespAppPriority  = 13
	fARespUpdateErrors = 15

	fFinDiagnostics = 1
	fFinTrackingURL = 2
	fFinStatus      = 3

	fFinRespUnregistered = 1
)

// ResourceAny is the resource name of an ask that takes any node.
const ResourceAny = "*"

// ResourceRequest is one ask: NumContainers is the TOTAL still wanted at
// this priority and size (the RM replaces its previous ask), not an
// increment.
type ResourceRequest struct {
	Priority      int32
	ResourceName  string
	Capability    Resource
	NumContainers int32
	RelaxLocality bool
}

// Ask is the usual request: n containers of size r anywhere.
func Ask(priority int32, r Resource, n int32) ResourceRequest {
	return ResourceRequest{Priority: priority, ResourceName: ResourceAny, Capability: r, NumContainers: n, RelaxLocality: true}
}

func appendAsk(b []byte, r ResourceRequest) []byte {
	b = pb.AppendMsg(b, fAskPriority, pb.AppendVarint(nil, fPriority, i32(r.Priority)))
	b = pb.AppendString(b, fAskResourceName, r.ResourceName)
	b = pb.AppendMsg(b, fAskCapability, appendResource(nil, r.Capability))
	b = pb.AppendVarint(b, fAskNumContainers, i32(r.NumContainers))
	return pb.AppendVarint(b, fAskRelaxLocality, protowire.EncodeBool(r.RelaxLocality))
}

// RegisterResponse is what the RM says at registration.
type RegisterResponse struct {
	MaximumCapability Resource
	Queue             string
	// With keep-containers-across-application-attempts, a later attempt
	// inherits running containers and their nodes' NM tokens.
	ContainersFromPreviousAttempts []Container
	NMTokensFromPreviousAttempts   []NMToken
}

func encodeRegister(host string, rpcPort int32, trackingURL string) []byte {
	b := pb.AppendString(nil, fRegHost, host)
	b = pb.AppendVarint(b, fRegRPCPort, i32(rpcPort))
	return pb.AppendString(b, fRegTrackingURL, trackingURL)
}

func decodeRegisterResponse(b []byte) (*RegisterResponse, error) {
	r := &RegisterResponse{}
	err := pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if typ != protowire.BytesType {
			return nil
		}
		var err error
		switch num {
		case fRegRespMaxCap:
			r.MaximumCapability, err = decodeResource(v)
		case fRegRespQueue:
			r.Queue = string(v)
		case fRegRespPrevConts:
			var c Container
			if c, err = decodeContainer(v); err == nil {
				r.ContainersFromPreviousAttempts = append(r.ContainersFromPreviousAttempts, c)
			}
		case fRegRespPrevNMTokens:
			var t NMToken
			if t, err = decodeNMToken(v); err == nil {
				r.NMTokensFromPreviousAttempts = append(r.NMTokensFromPreviousAttempts, t)
			}
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("amrm: RegisterApplicationMasterResponseProto: %w", err)
	}
	return r, nil
}

// AMCommand is the RM telling the AM to resync or shut down.
type AMCommand int

// AM commands.
const (
	AMResync   AMCommand = 1
	AMShutdown AMCommand = 2
)

// AllocateRequest is one heartbeat. The client fills in the responseId.
type AllocateRequest struct {
	Asks     []ResourceRequest
	Releases []ContainerID
	Progress float32 // 0..1
}

// AllocateResponse is the RM's answer to a heartbeat.
type AllocateResponse struct {
	Command             AMCommand // 0: none
	ResponseID          int32
	Allocated           []Container
	Completed           []ContainerStatus
	Available           Resource // "limit": headroom
	NumClusterNodes     int32
	NMTokens            []NMToken
	AMRMToken           *token.Token // non-nil when the RM rolled its master key: Reconnect with it
	ApplicationPriority int32
}

func encodeAllocate(r AllocateRequest, responseID int32) []byte {
	var b []byte
	for _, a := range r.Asks {
		b = pb.AppendMsg(b, fAllocAsk, appendAsk(nil, a))
	}
	for _, id := range r.Releases {
		b = pb.AppendMsg(b, fAllocRelease, AppendContainerID(nil, id))
	}
	b = pb.AppendVarint(b, fAllocResponseID, i32(responseID))
	b = protowire.AppendTag(b, fAllocProgress, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, math.Float32bits(r.Progress))
}

func decodeAllocateResponse(b []byte) (*AllocateResponse, error) {
	r := &AllocateResponse{}
	err := pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		var err error
		switch {
		case num == fARespCommand && typ == protowire.VarintType:
			r.Command = AMCommand(x)
		case num == fARespResponseID && typ == protowire.VarintType:
			r.ResponseID = int32(x)
		case num == fARespNumNodes && typ == protowire.VarintType:
			r.NumClusterNodes = int32(x)
		case typ != protowire.BytesType:
		case num == fARespAllocated:
			var c Container
			if c, err = decodeContainer(v); err == nil {
				r.Allocated = append(r.Allocated, c)
			}
		case num == fARespCompleted:
			var s ContainerStatus
			if s, err = DecodeContainerStatus(v); err == nil {
				r.Completed = append(r.Completed, s)
			}
		case num == fARespLimit:
			r.Available, err = decodeResource(v)
		case num == fARespNMTokens:
			var t NMToken
			if t, err = decodeNMToken(v); err == nil {
				r.NMTokens = append(r.NMTokens, t)
			}
		case num == fARespAMRMToken:
			r.AMRMToken, err = token.UnmarshalProto(v)
		case num == fARespAppPriority:
			r.ApplicationPriority, err = decodePriority(v)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("amrm: AllocateResponseProto: %w", err)
	}
	return r, nil
}

// FinalStatus is FinalApplicationStatusProto.
type FinalStatus int

// Final statuses an AM reports.
const (
	StatusUndefined FinalStatus = 0
	StatusSucceeded FinalStatus = 1
	StatusFailed    FinalStatus = 2
	StatusKilled    FinalStatus = 3
)

func encodeFinish(status FinalStatus, diagnostics, trackingURL string) []byte {
	b := pb.AppendString(nil, fFinDiagnostics, diagnostics)
	b = pb.AppendString(b, fFinTrackingURL, trackingURL)
	return pb.AppendVarint(b, fFinStatus, uint64(status))
}

func decodeFinishResponse(b []byte) (unregistered bool, err error) {
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, _ []byte, x uint64) error {
		if num == fFinRespUnregistered && typ == protowire.VarintType {
			unregistered = x != 0
		}
		return nil
	})
	return unregistered, err
}
