// Package proc is the life of one engine process (`mlctl engine node`): start
// the node, join the rendezvous, wait for the cloud to form, elect the leader
// (the lowest index), then either lead (API, health monitor) or heartbeat to
// the leader, until shut down.
//
// It must not import cobra, the launcher or the yarn package.
package proc
