// Package chunk holds one column's values for one row range in a compact,
// immutable form. EncodeNumeric picks, per chunk, the smallest encoding that
// reproduces every value exactly (constant, bit, scaled 1/2/4/8-byte integers,
// float32, float64, sparse); EncodeStrings stores text. NA is first-class in
// every encoding.
//
// It imports only the standard library and nothing else of the engine.
package chunk
