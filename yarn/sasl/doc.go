// Package sasl owns SASL DIGEST-MD5 (RFC 2831) as Hadoop's token
// authentication uses it: the client side of the exchange (username and
// password are the standard base64 of a token's identifier and password),
// verification of the server's rspauth, and the security layer that
// follows when the server negotiates integrity (auth-int) or privacy
// (auth-conf, rc4 ciphers): HMAC-MD5 MACs, sequence numbers and RC4
// streams that carry across messages.
//
// It also holds the server side of the exchange (Server), which mlctl never
// serves: it exists so fake Hadoop servers in tests can prove the client.
//
// This package knows nothing of Hadoop IPC framing (see yarn/ipc) and must
// not import cobra or the engine.
package sasl
