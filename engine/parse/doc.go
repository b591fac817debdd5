// Package parse turns input files into typed columns: delimited text (CSV,
// TSV, ...), gzip-compressed text and flat Parquet. It owns type guessing
// (Guess, ParquetSetup), the range parser every node runs (ParseRange,
// ParseParquetRowGroup) and the chaining protocol that makes byte ranges
// parsed independently add up to the file.
//
// It imports the standard library, engine/frame (column types) and
// parquet-go; never the engine's cluster, transport or algorithm packages,
// nor cobra, yarn or hdfs: it is pure functions over bytes.
//
// # Guessing
//
// The leader calls Guess on the first bytes of the first file. Separator:
// among ',', '\t', ';', '|', the one that splits every sampled record
// (quote-aware) into the same number of fields, at least two; most fields
// wins, then that order. Header: see guessHeader (a non-number above a
// numeric or time column; or, when every column is text, distinct non-numeric
// names that never recur below). Types: numeric if every non-NA token is a
// number (also for an all-NA column), time if every one is a date or
// date-time (see parseTime), else categorical, or string when at least 100
// non-NA values are more than 95% distinct (IDs, free text). NA tokens: the
// empty field and DefaultNAStrings ("NA", "N/A", "null", "NULL", "NaN",
// "?"), plus the user's; a quoted "" or "NA" is NA too. Numbers are read
// exactly as strconv.ParseFloat reads them, which includes "inf", "nan",
// hex floats and "1_000", and out-of-range values as ±Inf.
//
// # Chaining protocol
//
// An import cuts each file into fixed byte ranges (say 4 MiB), independent of
// the number of nodes, so a file gives the same frame on any cluster. Every
// range is parsed on its own and in parallel: a range that does not begin
// the file takes its first record to start after the first '\n' at or after
// start-1, and it parses every record that starts before its end, finishing
// the last one past the end. Result.Start and Result.End are where it really
// began and stopped.
//
// That guess is wrong when the '\n' lies inside a quoted field. So the
// engine walks the ranges in file order: range i+1 stands if Chain(End of
// range i, result i+1), i.e. it began exactly where range i stopped (range i
// having been accepted, End is a true record boundary). Otherwise, including
// when the guess made it fail, it is parsed again with AtRecordStart from
// range i's End, on the node that holds its bytes (asking for more with
// ErrNeedMore if a record runs past them). Re-parses are rare (they need a
// quoted newline near a range boundary) and the check costs nothing, so the
// common path stays fully parallel.
// ParseAll is the in-process reference of this walk. Line numbers in errors
// are relative to a range's Start; adding the Lines of the accepted ranges
// before it makes them absolute, as ParseAll does.
//
// A range's categorical domain is its own, in first-seen order; the engine
// unifies domains across ranges afterwards. A value that does not fit its
// column's guessed type becomes NA and is reported in Result.Mismatches (the
// engine then promotes the column and parses again); with a type the user
// set, it is an *Error instead.
//
// # Compressed files
//
// A gzip stream cannot be split: the engine checks IsGzip on a file's first
// bytes, decompresses the whole file on one node and runs ParseRange over the
// decompressed bytes (in ranges, in parallel, like any other file).
//
// # Parquet
//
// Parquet files split by row group, not byte range. Flat schemas only:
// integers, floats and decimals become numeric, booleans 0/1, strings and
// byte arrays categorical (or string, by the same rule or by override),
// dates and timestamps (and legacy INT96) time in ms; nulls are NA.
package parse
