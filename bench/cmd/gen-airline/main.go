// Command gen-airline writes the airline-like benchmark CSV of bench/gen to a
// file (or stdout), for benchmarks run outside go test (bench/peers).
//
//	go run ./bench/cmd/gen-airline -rows 1000000 -o /tmp/airline-1m.csv
//
// The file is written under a temporary name and renamed into place, so an
// interrupted run never leaves a short file behind under the final name.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/mlctl/mlctl/bench/gen"
)

func main() {
	rows := flag.Int("rows", 1_000_000, "number of data rows")
	seed := flag.Int64("seed", 1, "random seed (same rows and seed give the same bytes)")
	out := flag.String("o", "-", "output file, - for stdout")
	flag.Parse()
	if flag.NArg() != 0 || *rows < 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := gen.WriteFile(*out, func(w io.Writer) error { return gen.Airline(w, *rows, *seed) }); err != nil {
		fmt.Fprintln(os.Stderr, "gen-airline:", err)
		os.Exit(1)
	}
}
