package completions

import (
	"bufio"
	"compress/gzip"
	"context"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// inputColumns offers the header of score's INPUT (its second argument)
// when INPUT is a local CSV file, gzipped or not: the columns --keep may
// copy. Parquet, stdin and hdfs:// inputs offer nothing.
func inputColumns(_ context.Context, cmd *cobra.Command, args []string) ([]string, error) {
	if len(args) < 2 {
		return nil, nil
	}
	path := args[1]
	if path == "-" || strings.Contains(path, "://") || strings.HasSuffix(strings.ToLower(path), ".parquet") {
		return nil, nil
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var r io.Reader = fh
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		zr, err := gzip.NewReader(fh)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	line, err := bufio.NewReader(io.LimitReader(r, 1<<20)).ReadString('\n')
	if err != nil && line == "" {
		return nil, err
	}
	line = strings.TrimRight(line, "\r\n")
	sep := headerSep(line, stringFlag(cmd, "sep"))
	var out []string
	for _, name := range strings.Split(line, sep) {
		if name = strings.Trim(strings.TrimSpace(name), `"`); name != "" {
			out = append(out, name)
		}
	}
	return out, nil
}

// headerSep is the separator the user gave with --sep, else the most
// frequent of the usual ones in the header line.
func headerSep(line, flag string) string {
	switch {
	case flag == "tab":
		return "\t"
	case flag != "":
		return flag
	}
	best, n := ",", 0
	for _, s := range []string{",", "\t", ";", "|"} {
		if c := strings.Count(line, s); c > n {
			best, n = s, c
		}
	}
	return best
}
