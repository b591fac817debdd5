// Package list implements `mlctl cluster list`: the clusters a backend knows,
// as a table, tab-separated lines or JSON/YAML. It imports cmdutil,
// cluster/shared and the launcher interfaces; never a concrete backend.
package list
