// Package list implements `mlctl model list`: the models on a cluster with
// their headline metric. It imports cmdutil, model/shared, frame/shared (to
// connect) and engine/api (types only).
package list
