// Package score is `mlctl score`: it scores a CSV or Parquet file with a
// model artifact (.mlz) on the gateway, without a cluster, and writes the
// predictions as CSV or Parquet.
//
// The input is read with engine/parse, the parser the cluster's `frame
// import` runs, so every value (NA tokens, numbers, quoting, a BOM) is read
// as the cluster reads it, and the predictions equal the cluster's
// `predict` bit for bit. Text input streams in blocks: a reader cuts the
// input after a line end, workers parse and score blocks in parallel
// assuming each starts a record, and one goroutine takes the blocks in file
// order, checks that each really began where the previous one ended (it did
// not when a quoted field holds the line end the cut was made at: then the
// blocks are joined and parsed again), counts the values scored as NA and
// writes the rows. A bounded number of blocks is in flight, so memory does
// not grow with the file. Parquet input goes row group by row group.
//
// Output goes to a temporary name beside OUTPUT (locally or on HDFS) and is
// renamed over it only when every row is written, so a failure or Ctrl-C
// leaves nothing behind.
//
// It imports scoring, engine/parse, the artifact helpers, cmdutil, errs and
// iostreams; never the engine's cluster packages, nor the launcher.
package score
