// Package limits carries a cluster's self-ending limits from the launcher to
// the engine leader (max_idle, max_uptime, cluster_save: as environment of
// every node) and the way the engine tells back that it ended the cluster
// itself: an End, written to the cluster directory on the local backend
// (EndFile) or given to the YARN ApplicationMaster, which unregisters with
// its Reason as the diagnostics.
//
// It imports only the standard library and engine/cloud's atomic write, so
// the launcher, the AM and the engine leader may all use it.
package limits
