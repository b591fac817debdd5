// Command gen writes the files mlctl generates from its command tree:
//
//	go run ./internal/tools/gen completions completions   # make completions (also: go generate ./completions)
//	go run ./internal/tools/gen docs docs                 # make docs: docs/cli/*.md and docs/man/*.1
//
// The output depends on the code only (no dates, no user, no machine), so
// the tests that regenerate it in memory (completions/scripts_test.go and
// this package's docs_test.go) fail exactly when a committed file is stale.
package main
