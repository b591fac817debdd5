// Package lineage computes what a model's artifact records about its
// training frame, in one pass over it after training: a fingerprint of the
// data (SHA-256 over the schema and the chunks in index order, so the same
// import gives the same value on any node count), the drift baseline
// (per-feature histograms and that of the training predictions) and a few
// example input rows.
//
// It imports engine/mr, engine/learn (schema binding), engine/stats (the
// quantile sketch) and scoring; never the leader or the algorithms.
package lineage
