// Package gen writes synthetic data sets for benchmarks: files shaped like
// the ones people load into the engine, generated deterministically from a
// seed so that a benchmark run can be repeated byte for byte on any machine
// without shipping the data.
//
// It imports only the standard library; benchmarks of the engine, and the
// side-by-side scripts against other systems, import it, never the reverse.
package gen
