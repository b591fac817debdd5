// Package split is the row split of a frame as an emitting MR task: each
// part is a new frame with the source's chunk layout, rows drawn by a
// generator seeded from (seed, chunk index) so the split does not depend on
// the node count.
//
// It must not import the leader, cobra, the launcher or the yarn package.
package split
