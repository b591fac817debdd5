// Package list implements `mlctl frame list`: the frames held by a cluster.
// It imports cmdutil, frame/shared and engine/api (types only).
package list
