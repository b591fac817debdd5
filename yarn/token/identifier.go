package token

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mlctl/mlctl/yarn/pb"
)

// Field numbers from apache/hadoop's yarn_protos.proto
// (ApplicationIdProto, ApplicationAttemptIdProto, NodeIdProto) and
// yarn_security_token.proto (AMRMTokenIdentifierProto,
// NMTokenIdentifierProto).
const (
	fAppID          = 1 // ApplicationIdProto.id
	fAppClusterTs   = 2 // ApplicationIdProto.cluster_timestamp
	fAttemptApp     = 1 // ApplicationAttemptIdProto.application_id
	fAttemptID      = 2 // ApplicationAttemptIdProto.attemptId
	fNodeHost       = 1
	fNodePort       = 2
	fAMRMAttempt    = 1 // AMRMTokenIdentifierProto.appAttemptId
	fAMRMKeyID      = 2 // AMRMTokenIdentifierProto.keyId
	fNMAttempt      = 1 // NMTokenIdentifierProto.appAttemptId
	fNMNode         = 2 // NMTokenIdentifierProto.nodeId
	fNMAppSubmitter = 3
	fNMKeyID        = 4
)

// Attempt is an application attempt as token identifiers carry it.
type Attempt struct {
	ClusterTimestamp int64
	App              int32
	Attempt          int32
}

// String is Hadoop's ApplicationAttemptId form.
func (a Attempt) String() string {
	return fmt.Sprintf("appattempt_%d_%04d_%06d", a.ClusterTimestamp, a.App, a.Attempt)
}

// AMRMIdentifier is a decoded AMRMTokenIdentifier.
type AMRMIdentifier struct {
	Attempt Attempt
	KeyID   int32
}

// NMIdentifier is a decoded NMTokenIdentifier.
type NMIdentifier struct {
	Attempt      Attempt
	NodeHost     string
	NodePort     int32
	AppSubmitter string
	KeyID        int32
}

// DecodeAMRMIdentifier decodes the identifier of a YARN_AM_RM_TOKEN.
func DecodeAMRMIdentifier(b []byte) (*AMRMIdentifier, error) {
	id := &AMRMIdentifier{KeyID: -1}
	seen := false
	err := pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == fAMRMAttempt && typ == protowire.BytesType:
			seen = true
			return decodeAttempt(v, &id.Attempt)
		case num == fAMRMKeyID && typ == protowire.VarintType:
			id.KeyID = int32(x)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("token: AMRMTokenIdentifier: %w", err)
	}
	if !seen {
		return nil, errNoAttempt
	}
	return id, nil
}

// DecodeNMIdentifier decodes the identifier of an NMToken.
func DecodeNMIdentifier(b []byte) (*NMIdentifier, error) {
	id := &NMIdentifier{KeyID: -1}
	err := pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == fNMAttempt && typ == protowire.BytesType:
			return decodeAttempt(v, &id.Attempt)
		case num == fNMNode && typ == protowire.BytesType:
			return pb.Walk(v, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
				switch {
				case num == fNodeHost && typ == protowire.BytesType:
					id.NodeHost = string(v)
				case num == fNodePort && typ == protowire.VarintType:
					id.NodePort = int32(x)
				}
				return nil
			})
		case num == fNMAppSubmitter && typ == protowire.BytesType:
			id.AppSubmitter = string(v)
		case num == fNMKeyID && typ == protowire.VarintType:
			id.KeyID = int32(x)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("token: NMTokenIdentifier: %w", err)
	}
	return id, nil
}

func decodeAttempt(b []byte, a *Attempt) error {
	return pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == fAttemptApp && typ == protowire.BytesType:
			return pb.Walk(v, func(num protowire.Number, typ protowire.Type, _ []byte, x uint64) error {
				if typ != protowire.VarintType {
					return nil
				}
				switch num {
				case fAppID:
					a.App = int32(x)
				case fAppClusterTs:
					a.ClusterTimestamp = int64(x)
				}
				return nil
			})
		case num == fAttemptID && typ == protowire.VarintType:
			a.Attempt = int32(x)
		}
		return nil
	})
}

// AppendAMRMIdentifier encodes an AMRMTokenIdentifierProto; tests and fake
// servers use it to mint identifiers the way the RM does.
func AppendAMRMIdentifier(b []byte, id AMRMIdentifier) []byte {
	b = protowire.AppendTag(b, fAMRMAttempt, protowire.BytesType)
	b = protowire.AppendBytes(b, appendAttempt(nil, id.Attempt))
	b = protowire.AppendTag(b, fAMRMKeyID, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(int64(id.KeyID)))
}

func appendAttempt(b []byte, a Attempt) []byte {
	var app []byte
	app = protowire.AppendTag(app, fAppID, protowire.VarintType)
	app = protowire.AppendVarint(app, uint64(int64(a.App)))
	app = protowire.AppendTag(app, fAppClusterTs, protowire.VarintType)
	app = protowire.AppendVarint(app, uint64(a.ClusterTimestamp))
	b = protowire.AppendTag(b, fAttemptApp, protowire.BytesType)
	b = protowire.AppendBytes(b, app)
	b = protowire.AppendTag(b, fAttemptID, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(int64(a.Attempt)))
}
