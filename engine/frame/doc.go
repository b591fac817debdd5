// Package frame describes distributed frames: column names, types and
// categorical domains, and which node holds each row chunk. The data itself
// lives in chunks (package chunk) on the nodes; a Frame is the leader's map of
// it. Imports only the standard library.
package frame
