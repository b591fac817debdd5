// Package stop implements `mlctl cluster stop`: end a cluster's processes and
// mark its record stopped (the record stays until `cluster delete`). It
// imports cmdutil, cluster/shared and the launcher interfaces only.
package stop
