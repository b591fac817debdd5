// Package delete implements `mlctl frame delete`: remove frames from a
// cluster's memory. It imports cmdutil and frame/shared only.
package delete
