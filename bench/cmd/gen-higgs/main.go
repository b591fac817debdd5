// Command gen-higgs writes the HIGGS-like CSV of bench/gen (28 float columns
// x1..x28 and a 0/1 label y) to a file or stdout, for
// bench/peers/train_bench.py.
//
//	go run ./bench/cmd/gen-higgs -rows 1000000 -o /tmp/higgs-1M.csv
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
	if err := gen.WriteFile(*out, func(w io.Writer) error { return gen.Higgs(w, *rows, *seed) }); err != nil {
		fmt.Fprintln(os.Stderr, "gen-higgs:", err)
		os.Exit(1)
	}
}
