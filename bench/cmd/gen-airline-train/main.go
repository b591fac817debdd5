// Command gen-airline-train writes the airline-like training CSV of
// bench/gen (AirlineTrain: IsDelayed drawn from a logistic model of the
// other columns) to a file or stdout, for bench/peers/train_bench.py.
//
//	go run ./bench/cmd/gen-airline-train -rows 1000000 -o /tmp/airline-train-1M.csv
//	go run ./bench/cmd/gen-airline-train -rows 1000000 -route -o /tmp/airline-route-1M.csv
//
// -route writes AirlineTrainWithRoute instead: Origin and Dest replaced by
// one Route column (Origin-Dest, 4,000 levels), the other columns the same
// bytes as without -route. The file is written
// under a temporary name and renamed into place, so an interrupted run never
// leaves a short file behind under the final name.
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
	route := flag.Bool("route", false, fmt.Sprintf("replace Origin and Dest by a Route column of %d levels", gen.RouteLevels))
	out := flag.String("o", "-", "output file, - for stdout")
	flag.Parse()
	if flag.NArg() != 0 || *rows < 0 {
		flag.Usage()
		os.Exit(2)
	}
	write := gen.AirlineTrain
	if *route {
		write = gen.AirlineTrainWithRoute
	}
	if err := gen.WriteFile(*out, func(w io.Writer) error { return write(w, *rows, *seed) }); err != nil {
		fmt.Fprintln(os.Stderr, "gen-airline-train:", err)
		os.Exit(1)
	}
}
