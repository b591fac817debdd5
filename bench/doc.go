// Package bench holds the project's end-to-end benchmarks: they build the
// real mlctl binary, launch local clusters and time what a user waits for
// (cloud formation, import of a generated airline-like CSV), reporting
// throughput and the in-memory size of the frame. Data generators live in
// bench/gen. Run with `make bench`; never part of `make test`'s assertions.
package bench
