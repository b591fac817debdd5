// Package hdfs reaches HDFS from the gateway and from inside YARN containers.
//
// Inside containers nobody holds a keytab, only the delegation token the
// gateway obtained, and colinmarc/hdfs cannot authenticate NameNode RPC with a
// token. So the engine reads and writes HDFS there through WebHDFS with
// `delegation=<token url string>` (WebHDFS), which needs no SASL of ours and
// follows the cluster's HTTP policy (HTTP or HTTPS with the cluster's CA).
// On the gateway the same WebHDFS client authenticates with SPNEGO and
// fetches the delegation token (GETDELEGATIONTOKEN).
//
// Trust (trust.go) is the set of CAs either side verifies WebHDFS over HTTPS
// against: a trust store as ssl-client.xml names it, a PEM bundle, or the
// system roots; it remembers which roots verified a server, so the gateway
// can ship the containers exactly what it used.
//
// It must not import cobra or the engine.
package hdfs
