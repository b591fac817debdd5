// Package split implements `mlctl frame split`: split a frame by row into
// parts with given ratios and a seed. It imports cmdutil, frame/shared and
// engine/api (types only).
package split
