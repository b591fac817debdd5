package ipc

import (
	"encoding/binary"
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mlctl/mlctl/yarn/pb"
)

// ConnectionHeader starts every connection: "hrpc", IPC version 9,
// service class 0, auth protocol SASL (0xDF).
var ConnectionHeader = []byte{'h', 'r', 'p', 'c', 9, 0, 0xDF}

// Special call ids.
const (
	CallIDSASL    int32 = -33
	CallIDContext int32 = -3
)

// MaxFrame bounds an incoming frame, as ipc.maximum.response.length does.
const MaxFrame = 128 << 20

// RpcRequestHeaderProto fields.
const (
	reqRPCKind    = 1 // enum RpcKindProto; RPC_PROTOCOL_BUFFER = 2
	reqRPCOp      = 2 // enum OperationProto; RPC_FINAL_PACKET = 0
	reqCallID     = 3 // sint32
	reqClientID   = 4 // bytes
	reqRetryCount = 5 // sint32

	rpcProtocolBuffer = 2
	rpcFinalPacket    = 0
)

// RpcResponseHeaderProto fields.
const (
	respCallID         = 1 // uint32 on the wire; cast to int32
	respStatus         = 2 // SUCCESS 0, ERROR 1, FATAL 2
	respServerVersion  = 3
	respExceptionClass = 4
	respErrorMsg       = 5
	respErrorDetail    = 6
	respClientID       = 7
	respRetryCount     = 8

	statusSuccess = 0
	statusError   = 1
	statusFatal   = 2
)

// RpcSaslProto fields and states.
const (
	saslVersion = 1
	saslState   = 2
	saslToken   = 3
	saslAuths   = 4

	authMethod    = 1
	authMechanism = 2
	authProtocol  = 3
	authServerID  = 4
	authChallenge = 5

	StateSuccess   = 0
	StateNegotiate = 1
	StateInitiate  = 2
	StateChallenge = 3
	StateResponse  = 4
	StateWrap      = 5
)

// IpcConnectionContextProto / UserInformationProto and RequestHeaderProto
// fields.
const (
	ctxUserInfo = 2
	ctxProtocol = 3

	hdrMethodName      = 1
	hdrDeclaringClass  = 2
	hdrProtocolVersion = 3
)

// RequestHeader is an RpcRequestHeaderProto.
type RequestHeader struct {
	CallID     int32
	ClientID   []byte
	RetryCount int32
}

// AppendRequestHeader encodes h (not length-delimited).
func AppendRequestHeader(b []byte, h RequestHeader) []byte {
	b = protowire.AppendTag(b, reqRPCKind, protowire.VarintType)
	b = protowire.AppendVarint(b, rpcProtocolBuffer)
	b = protowire.AppendTag(b, reqRPCOp, protowire.VarintType)
	b = protowire.AppendVarint(b, rpcFinalPacket)
	b = protowire.AppendTag(b, reqCallID, protowire.VarintType)
	b = protowire.AppendVarint(b, protowire.EncodeZigZag(int64(h.CallID)))
	b = protowire.AppendTag(b, reqClientID, protowire.BytesType)
	b = protowire.AppendBytes(b, h.ClientID)
	b = protowire.AppendTag(b, reqRetryCount, protowire.VarintType)
	return protowire.AppendVarint(b, protowire.EncodeZigZag(int64(h.RetryCount)))
}

// ResponseHeader is an RpcResponseHeaderProto.
type ResponseHeader struct {
	CallID         int32
	Status         int
	ServerVersion  uint32
	ExceptionClass string
	ErrorMsg       string
	ErrorDetail    int
	ClientID       []byte
	RetryCount     int32
}

// ParseResponseHeader decodes an RpcResponseHeaderProto body.
func ParseResponseHeader(b []byte) (ResponseHeader, error) {
	h := ResponseHeader{RetryCount: -1}
	seenCall, seenStatus := false, false
	err := pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == respCallID && typ == protowire.VarintType:
			h.CallID, seenCall = int32(uint32(x)), true
		case num == respStatus && typ == protowire.VarintType:
			h.Status, seenStatus = int(x), true
		case num == respServerVersion && typ == protowire.VarintType:
			h.ServerVersion = uint32(x)
		case num == respExceptionClass && typ == protowire.BytesType:
			h.ExceptionClass = string(v)
		case num == respErrorMsg && typ == protowire.BytesType:
			h.ErrorMsg = string(v)
		case num == respErrorDetail && typ == protowire.VarintType:
			h.ErrorDetail = int(x)
		case num == respClientID && typ == protowire.BytesType:
			h.ClientID = append([]byte(nil), v...)
		case num == respRetryCount && typ == protowire.VarintType:
			h.RetryCount = int32(protowire.DecodeZigZag(x))
		}
		return nil
	})
	if err != nil {
		return h, fmt.Errorf("ipc: response header: %w", err)
	}
	if !seenCall || !seenStatus {
		return h, errors.New("ipc: response header lacks callId or status")
	}
	return h, nil
}

// AppendResponseHeader encodes h; fake servers use it.
func AppendResponseHeader(b []byte, h ResponseHeader) []byte {
	b = protowire.AppendTag(b, respCallID, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(uint32(h.CallID)))
	b = protowire.AppendTag(b, respStatus, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(h.Status))
	if h.ServerVersion != 0 {
		b = protowire.AppendTag(b, respServerVersion, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(h.ServerVersion))
	}
	if h.ExceptionClass != "" {
		b = protowire.AppendTag(b, respExceptionClass, protowire.BytesType)
		b = protowire.AppendString(b, h.ExceptionClass)
	}
	if h.ErrorMsg != "" {
		b = protowire.AppendTag(b, respErrorMsg, protowire.BytesType)
		b = protowire.AppendString(b, h.ErrorMsg)
	}
	if h.ErrorDetail != 0 {
		b = protowire.AppendTag(b, respErrorDetail, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(h.ErrorDetail))
	}
	return b
}

// Frame joins varint-delimited messages behind a 4-byte big-endian length.
func Frame(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += protowire.SizeBytes(len(p))
	}
	b := make([]byte, 4, 4+n)
	binary.BigEndian.PutUint32(b, uint32(n))
	for _, p := range parts {
		b = protowire.AppendBytes(b, p)
	}
	return b
}

// SplitDelimited takes the next varint-delimited message off b.
func SplitDelimited(b []byte) (msg, rest []byte, err error) {
	msg, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return nil, nil, fmt.Errorf("ipc: delimited message: %w", protowire.ParseError(n))
	}
	return msg, b[n:], nil
}

// AppendRequestMethodHeader encodes a RequestHeaderProto.
func AppendRequestMethodHeader(b []byte, method, protocol string, version uint64) []byte {
	b = protowire.AppendTag(b, hdrMethodName, protowire.BytesType)
	b = protowire.AppendString(b, method)
	b = protowire.AppendTag(b, hdrDeclaringClass, protowire.BytesType)
	b = protowire.AppendString(b, protocol)
	b = protowire.AppendTag(b, hdrProtocolVersion, protowire.VarintType)
	return protowire.AppendVarint(b, version)
}

// ParseRequestMethodHeader decodes a RequestHeaderProto (fake servers).
func ParseRequestMethodHeader(b []byte) (method, protocol string, version uint64, err error) {
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == hdrMethodName && typ == protowire.BytesType:
			method = string(v)
		case num == hdrDeclaringClass && typ == protowire.BytesType:
			protocol = string(v)
		case num == hdrProtocolVersion && typ == protowire.VarintType:
			version = x
		}
		return nil
	})
	return method, protocol, version, err
}

// AppendConnectionContext encodes an IpcConnectionContextProto. With token
// authentication no user is sent: userInfo is present and empty.
func AppendConnectionContext(b []byte, protocol string) []byte {
	b = protowire.AppendTag(b, ctxUserInfo, protowire.BytesType)
	b = protowire.AppendBytes(b, nil)
	b = protowire.AppendTag(b, ctxProtocol, protowire.BytesType)
	return protowire.AppendString(b, protocol)
}

// ParseConnectionContext returns the protocol of an
// IpcConnectionContextProto (fake servers).
func ParseConnectionContext(b []byte) (protocol string, err error) {
	err = pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if num == ctxProtocol && typ == protowire.BytesType {
			protocol = string(v)
		}
		return nil
	})
	return protocol, err
}

// ParseRequestHeader decodes an RpcRequestHeaderProto (fake servers).
func ParseRequestHeader(b []byte) (RequestHeader, error) {
	h := RequestHeader{RetryCount: -1}
	seen := false
	err := pb.Walk(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == reqCallID && typ == protowire.VarintType:
			h.CallID, seen = int32(protowire.DecodeZigZag(x)), true
		case num == reqClientID && typ == protowire.BytesType:
			h.ClientID = append([]byte{}, v...)
		case num == reqRetryCount && typ == protowire.VarintType:
			h.RetryCount = int32(protowire.DecodeZigZag(x))
		}
		return nil
	})
	if err == nil && !seen {
		err = errors.New("ipc: request header without callId")
	}
	return h, err
}
