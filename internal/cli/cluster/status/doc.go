// Package status implements `mlctl cluster status`: the cluster record and,
// for a live cluster, the leader's view of the cloud (health, uptime, idle
// time, nodes). It imports cmdutil, cluster/shared, errs, engine/api (types)
// and the launcher interfaces; never a concrete backend or engine internals.
package status
