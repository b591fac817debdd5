// Package yarn is mlctl's client of a YARN cluster. This part of it, in the
// package root, is the ResourceManager REST client: SPNEGO authentication
// with the shared Kerberos session (internal/krb), ResourceManager HA
// (every RM web address is tried, standby redirects followed, the active one
// remembered), Hadoop's RemoteException decoded into *RemoteError, and
// uniform handles — client.Apps(), client.Cluster(), client.Scheduler() —
// plus Preflight, which refuses a launch the cluster could never run before
// anything is submitted.
//
// Subpackages hold the Hadoop IPC side (AM protocol, NodeManager protocol,
// tokens). Nothing here may import cobra, the engine, or any CLI code; every
// call that does I/O takes a context first.
package yarn
