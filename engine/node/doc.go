// Package node is one engine process's data plane: the chunks it holds, the
// internal HTTPS endpoints the leader calls (parse a byte range, commit an
// import, run an MR task, split, delete, shut down) and the heartbeat it
// sends. The leader's public API is layered on top by package leader.
//
// It must not import cobra, the launcher or the yarn package.
package node
