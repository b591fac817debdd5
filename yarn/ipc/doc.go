// Package ipc owns the client side of Hadoop IPC over TCP as YARN's
// ApplicationMaster needs it: the connection header, SASL negotiation with
// a token (TOKEN / DIGEST-MD5, see yarn/sasl), the connection context,
// protobuf RPC calls (RpcRequestHeaderProto + RequestHeaderProto + the
// request) and their responses, and the wrapping of every frame under
// hadoop.rpc.protection integrity or privacy.
//
// A Conn carries one call at a time; a call's error from the server
// (status ERROR) comes back as a *RemoteError and leaves the connection
// usable; FATAL, I/O errors and cancelled contexts close it.
//
// Message bodies are hand-encoded with protowire; field numbers come from
// apache/hadoop's RpcHeader.proto, IpcConnectionContext.proto and
// ProtobufRpcEngine2.proto. Kerberos (GSSAPI) is not here.
//
// This package must not import cobra or the engine.
package ipc
