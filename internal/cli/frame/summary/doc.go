// Package summary implements `mlctl frame summary`: per-column statistics of
// a frame (type, NA count, min, max, mean, sd, cardinality). It imports
// cmdutil, frame/shared and engine/api (types only).
package summary
