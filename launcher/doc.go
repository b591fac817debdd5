// Package launcher runs clusters: the Backend interface, the local backend
// (engine nodes as detached child processes of this machine, records under
// $MLCTL_HOME) and the YARN backend. It owns cluster records (mode 0600,
// written atomically) and the cluster lifecycle: launch, wait for the
// cloud, list, status, stop, delete, logs, and start again (Restarter). It
// hands every node its cluster's limits (engine/limits: max_idle,
// max_uptime, cluster_save, which the leader enforces) and the profile's
// environment, runs a policy's engine version after checking its SHA-256,
// and turns the leader's own end of a cluster into the record's end state.
//
// It must not import cobra.
package launcher
