// Package cluster is the `mlctl cluster` command group: it only assembles the
// verb packages below it (launch, list, status, stop, delete, logs). It must
// not hold verb logic, and must not import a concrete backend.
package cluster
