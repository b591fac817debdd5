// Package mr is the engine's map/reduce task runtime. A task maps a function
// over the row chunks of a frame on every node at once (goroutines over the
// node's local chunks) and reduces the per-chunk results on the leader in a
// fixed binary tree over chunk indices. The tree depends only on the number of
// chunks, and chunk boundaries depend only on the input, so a result is
// bit-identical whatever the number of nodes or the scheduling.
//
// Go cannot ship closures, so tasks are registered by name in every process
// (package init) and called by name with gob-encoded arguments.
// It must not import cobra, the launcher or the yarn package.
package mr
