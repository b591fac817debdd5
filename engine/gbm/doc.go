// Package gbm trains gradient boosted trees on the cloud and builds
// scoring.GBM values.
//
// How a tree is grown (see docs/training.md for the reasoning):
//   - Bin once: numeric features are cut at weighted quantiles from a
//     mergeable sketch reduced in the fixed tree (at most nbins bins, plus one
//     for NA); a categorical feature's bin is its level code. Bins, response,
//     weights, margins and gradients stay on the nodes as job state.
//   - Data partitions: each chunk keeps its rows ordered by leaf, so a
//     histogram for a leaf touches only that leaf's rows; one pass per level
//     applies the leader's splits and builds the histograms of the smaller
//     child of each split; the larger child's is the parent's minus it.
//   - Fixed-point sums: per tree, gradients, hessians and weights are
//     quantised to integers (scale from the exact maximum), so histograms add
//     and subtract exactly in any order, and the model is bit-identical on
//     any node count.
//   - Splits: second-order gain, the NA bin tried on either side, categorical
//     levels ordered by gradient/hessian and scanned as prefixes (no one-hot).
//   - Depth-wise growth to max_depth, min_rows per child, row and column
//     sampling seeded per (tree, chunk), early stopping on the validation
//     frame, importance as total split gain.
//
// It must not import the leader, cobra, the launcher or the yarn package.
package gbm
