// Package learn is what every training algorithm shares: checking a
// training request against the frames before any work starts (target,
// features, weights, offset, validation schema, fold count), binding a
// model's schema to a frame (column positions, categorical level remaps),
// decoding chunks into feature blocks, cross-validation folds, the
// evaluation task that computes metrics, and the emitting task behind
// in-cluster predict. It imports scoring for the model types, so a model
// scores the same in the cluster as anywhere else.
//
// It must not import the leader, cobra, the launcher or the yarn package.
package learn
