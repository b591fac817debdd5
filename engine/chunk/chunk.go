package chunk

import (
	"fmt"
	"math"
)

// Encoding names how a chunk stores its values. The numeric encodings are
// chosen per chunk by EncodeNumeric; Str is the only non-numeric one.
type Encoding uint8

const (
	Const   Encoding = iota + 1 // every row the same value (or every row NA)
	Bit                         // values in {0,1} (plus NA), one bit per row (two with NA)
	Int8                        // (int8  + bias) * 10^-scale, NA as a sentinel
	Int16                       // (int16 + bias) * 10^-scale, NA as a sentinel
	Int32                       // (int32 + bias) * 10^-scale, NA as a sentinel
	Int64                       // (int64 + bias), NA as a sentinel (times in ms)
	Float32                     // float32 where every value converts losslessly
	Float64                     // plain float64, NA as NaN
	Sparse                      // mostly zero (or mostly NA): row indices + values of the rest
	Str                         // strings: offsets + bytes + NA bitmap
	Bits                        // (x + bias) * 10^-scale, x packed in w bits (1..32); NA as all ones
)

// NA is the value a numeric chunk returns for a missing row. Numeric NA is
// NaN: the engine treats a NaN read from input as missing, as H2O does.
var NA = math.NaN()

// Chunk is one column's values for one row range. Chunks are immutable once
// built; every method is safe for concurrent use.
type Chunk interface {
	Len() int
	Encoding() Encoding
	// IsNA reports whether row i is missing.
	IsNA(i int) bool
	// Float returns row i as float64 (NaN when NA). Categorical columns store
	// their codes here, time columns milliseconds since the Unix epoch.
	// A Str chunk returns NaN for every row.
	Float(i int) float64
	// Floats decodes rows [0,Len) into dst[:Len] (NaN for NA) and returns it;
	// dst is grown only when too short. Hot loops use this, not Float.
	Floats(dst []float64) []float64
	// String returns row i of a Str chunk ("" and false for NA or for
	// numeric chunks).
	String(i int) (string, bool)
	// MemBytes is the chunk's in-memory size in bytes, headers included.
	MemBytes() int
}

var encodingNames = [...]string{
	Const: "Const", Bit: "Bit", Int8: "Int8", Int16: "Int16", Int32: "Int32", Int64: "Int64",
	Float32: "Float32", Float64: "Float64", Sparse: "Sparse", Str: "Str",
	Bits: "Bits",
}

// String names the encoding for logs and error messages.
func (e Encoding) String() string {
	if int(e) < len(encodingNames) && encodingNames[e] != "" {
		return encodingNames[e]
	}
	return fmt.Sprintf("Encoding(%d)", uint8(e))
}
