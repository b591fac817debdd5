// Package token owns Hadoop credentials as they travel to and inside YARN
// containers: the Token record, Hadoop's variable-length integers
// (WritableUtils.writeVLong), the HDTS token-storage file that the
// NodeManager writes for every container, the URL-safe "url string" form
// used by the RM REST API, and decoders for the YARN token identifiers the
// ApplicationMaster needs to read (AMRMToken, NMToken).
//
// Every decoder here reads outside input (files written by Java, REST
// values, RPC payloads) and is fuzzed; none of them panics or allocates
// more than its input justifies.
//
// This package must not import cobra, the engine, or any other yarn package.
package token
