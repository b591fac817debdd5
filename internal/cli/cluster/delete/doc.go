// Package delete implements `mlctl cluster delete`: stop a cluster if needed
// and remove its record and files. It imports cmdutil, cluster/shared and the
// launcher interfaces only.
package delete
