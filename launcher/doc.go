// Package launcher runs clusters: the Backend interface, the local backend
// (engine nodes as detached child processes of this machine, records under
// $MLCTL_HOME) and, later, the YARN backend. It owns cluster records (mode
// 0600, written atomically) and the cluster lifecycle: launch, wait for the
// cloud, list, status, stop, delete, logs.
//
// It must not import cobra.
package launcher
