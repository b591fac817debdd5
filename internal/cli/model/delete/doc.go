// Package delete implements `mlctl model delete`: remove models from a
// cluster. It imports cmdutil and frame/shared (to connect).
package delete
