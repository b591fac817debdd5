// Package list implements `mlctl job list`: a cluster's jobs, newest first.
// It imports cmdutil, job/shared, frame/shared (to connect) and engine/api
// (types only).
package list
