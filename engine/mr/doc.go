// Package mr is the engine's map/reduce runtime, the layer algorithms are
// written against. A task maps a function over the row chunks of a frame on
// every node at once (goroutines over the node's local chunks, with a worker
// index for per-worker scratch) and reduces the per-chunk results in a fixed
// binary tree over chunk indices. Each node reduces the complete subtrees it
// holds itself, so it sends O(log chunks) partials; the leader finishes the
// same tree. The tree depends only on the number of chunks, and chunk
// boundaries only on the input, so a result is bit-identical whatever the
// number of nodes or the scheduling.
//
// Tasks can read extra frames zipped chunk by chunk with the main one (a
// working frame made from it), keep per-job state on the nodes across passes
// (States, JobState), and emit chunks that form a new frame (Chunk.Emit).
// NodeFunc is the other kind of task: one answer per node, merged with an
// exact, order-free Merge (fixed-point sums).
//
// Driver is the interface an algorithm gets from the leader: the executor,
// frame lookup, working frames, progress.
//
// Go cannot ship closures, so tasks are registered by name in every process
// (package init) and called by name with gob-encoded arguments.
// It must not import cobra, the launcher, the leader or the yarn package.
package mr
