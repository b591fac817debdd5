// Package audit is mlctl's append-only audit trail: one JSON line per
// launch, start, stop, save, denial and reap, written so that any number of
// mlctl processes can append to the same file at once without interleaving
// lines (each record is a single write(2) to an O_APPEND file, under an
// exclusive flock), and read back for `mlctl admin usage`.
//
// It imports only the standard library: the CLI decides what to record and
// what a failed write means (see internal/enforce).
package audit
