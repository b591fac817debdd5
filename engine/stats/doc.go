// Package stats computes column statistics over a frame on the cloud (count,
// NA count, min, max, mean, sum of squared deviations), combined exactly as
// Chan, Golub and LeVeque describe in the fixed reduce tree. The leader's
// frame summary and GLM standardization use it.
//
// It must not import the leader, cobra, the launcher or the yarn package.
package stats
