// Package chunk holds one column's values for one row range in a compact,
// immutable form. EncodeNumeric picks, per chunk, the smallest encoding that
// reproduces every value exactly (constant, bit, scaled 1/2/4/8-byte integers,
// scaled integers bit-packed at 1..32 bits, float32, float64, sparse);
// EncodeStrings stores text. NA is first-class in
// every encoding.
//
// Exactness is bit-exactness: a decoded value has the same math.Float64bits
// as the input, so -0.0 stays -0.0 (and is never stored as an integer). Any
// NaN is NA; NA reads back as NaN, not necessarily with the input's payload.
//
// Payload bytes per row, plus a 64-byte header per chunk:
//
//	Const    0          every row the same value, or every row NA
//	Bit      1/8, 2/8   values in {0,1}; a second bitmap only when NA occurs
//	Int8     1          value = float64(x+bias) / 10^scale, scale 0..9;
//	Int16    2          the width's minimum is NA when the chunk has NA
//	Int32    4
//	Int64    8          unscaled only (e.g. ms timestamps spanning > 2^32 ms)
//	Bits     w/8        the Int formula with x - bias packed in w = 1..32 bits
//	                    (bits of max-min, plus one code for NA: all ones);
//	                    only when strictly smaller than the Int form, so
//	                    w = 8, 16, 32 and tiny chunks stay Int8/16/32
//	Float32  4          when every value converts losslessly
//	Float64  8          otherwise
//	Sparse   4 per stored row + its dense chunk, when ≥90% of rows are +0.0
//	         (or NA) and that is smaller than the best dense form
//	Str      4 per row offset + text + NA bitmap
//
// Ties go to the byte-aligned integer encodings. Decoding divides by 10^scale rather than
// multiplying by 10^-scale: division by an exact power of ten is correctly
// rounded, so a scaled integer decodes to the same double a parser makes of
// the decimal text, and one formula serves both verification and decoding.
//
// EncodeNumeric makes one stats pass (NA and zero counts, min, max, the
// smallest decimal scale that is exact, checked incrementally) and one encode
// pass, with one allocation per chunk. Marshal/Unmarshal give a versioned
// little-endian wire form (see marshal.go); Unmarshal validates every length
// against its input, so hostile bytes yield an error wrapping ErrCorrupt or
// ErrVersion, never a panic or an outsized allocation.
//
// It imports only the standard library and nothing else of the engine.
package chunk
