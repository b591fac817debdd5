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
	"os"
	"path/filepath"

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
	if err := run(*out, *rows, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen-airline:", err)
		os.Exit(1)
	}
}

func run(out string, rows int, seed int64) error {
	if out == "-" {
		return gen.Airline(os.Stdout, rows, seed)
	}
	f, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = gen.Airline(f, rows, seed)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
