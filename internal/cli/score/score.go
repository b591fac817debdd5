package score

import (
	"context"
	"errors"
	"fmt"
	"path"
	"runtime"
	"strings"

	"github.com/mlctl/mlctl/internal/cli/model/artifactio"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// Format is the value of --format. It implements pflag.Value, so a bad value
// is a usage error while flags are parsed.
type Format string

// The output formats.
const (
	FormatCSV     Format = "csv"
	FormatParquet Format = "parquet"
)

func (f *Format) String() string { return string(*f) }

// Set accepts csv or parquet (any case).
func (f *Format) Set(s string) error {
	switch v := Format(strings.ToLower(strings.TrimSpace(s))); v {
	case FormatCSV, FormatParquet:
		*f = v
		return nil
	}
	return errors.New("must be csv or parquet")
}

// Type is shown in help.
func (f *Format) Type() string { return "format" }

// ScoreOptions configures `score`.
type ScoreOptions struct {
	IO   *iostreams.IOStreams
	HDFS func(ctx context.Context) (cmdutil.HDFS, error)
	Ctx  context.Context

	Model  string
	Input  string // a path, an hdfs:// URL, or "-" for stdin
	Output string // a path, an hdfs:// URL, or "-" for stdout

	Contributions bool
	Keep          []string
	Strict        bool
	Key           string
	Format        Format // resolved by the command: never "" in Run
	Workers       int    // >= 1 in Run
	Sep           byte   // 0: guess

	// BlockSize is how many bytes of text are read per block (0: 1 MiB);
	// tests make it tiny so that records cross many blocks.
	BlockSize int
	// MaxRecord is the longest record accepted (0: 64 MiB), so a quote that
	// never closes cannot make a block the size of the file.
	MaxRecord int

	times *phaseTimes // set by BenchmarkScoreCSV
}

// NewCmdScore returns the `score` command.
func NewCmdScore(f *cmdutil.Factory, runF func(*ScoreOptions) error) *cobra.Command {
	opts := &ScoreOptions{IO: f.IOStreams, HDFS: f.HDFS}
	var sep string
	cmd := &cobra.Command{
		Use:   "score MODEL.mlz INPUT -o OUTPUT",
		Short: "Score a CSV or Parquet file with a model artifact, on this machine",
		Long: `Score every row of INPUT with the model in a scoring artifact (written by
mlctl model export) and write the predictions to OUTPUT. No cluster is
needed: the model runs here, on all cores, streaming the file in blocks, so
memory does not grow with its size.

INPUT is CSV (or any delimited text, also gzip-compressed) with a header line
naming its columns, or Parquet. It is read exactly as mlctl frame import reads
it (the same NA tokens, number syntax, quoting), so the predictions are the
ones mlctl predict makes on the cluster, to the bit. Columns the model does
not use are ignored; every column it uses must be there, by name.

OUTPUT has the --keep columns first (values copied as they are in INPUT),
then "predict" (the value for a regression, the class label for a
classifier: class 1 of a binomial model when its probability reaches the
artifact's threshold, otherwise the most probable class), then "p_<class>"
for each class; with --contributions, one column per feature and class
("contrib_<feature>", "contrib_bias"; "contrib_<class>_<feature>" for a
multinomial model) with the feature's share of the raw score before the
link: each row's contributions add up to it. Numbers are written so that
they read back to the same bits. Rows keep INPUT's order.

A categorical value the model never saw in training and a value of a numeric
column that is not a number are scored as missing (NA), as on the cluster;
at the end one line on stderr counts them per column. --strict makes the
first of them an error that names its line, column and value.

MODEL, INPUT and OUTPUT may be local paths or hdfs:// URLs; INPUT "-" reads
text from stdin, OUTPUT "-" writes CSV to stdout. OUTPUT is written under a
temporary name in its directory and renamed when complete: if scoring fails
or is interrupted, no OUTPUT is left behind (an existing one is kept).

Exit codes: 0 ok; 1 error (reading or writing); 2 usage, and bad input data
(a column the model needs is missing, a malformed file, --strict); 6 MODEL
or INPUT not found; 7 MODEL is not an intact artifact (or not signed by
--key); 130 interrupted.`,
		Example: `  mlctl score delay.mlz flights.csv -o scored.csv
  mlctl score delay.mlz flights.csv.gz -o scored.parquet --keep FlightID,Origin
  mlctl score delay.mlz hdfs:///data/flights.parquet -o hdfs:///data/scored.csv --key signing.pub
  mlctl score delay.mlz flights.csv -o - --contributions | head
  zcat flights.csv.gz | mlctl score delay.mlz - -o - --strict > scored.csv`,
		Args: cmdutil.ExactArgs(2, "score needs MODEL.mlz and INPUT (a path, an hdfs:// URL or - for stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Model, opts.Input = args[0], args[1]
			if opts.Output == "" {
				return cmdutil.UsageErrorf("score needs -o OUTPUT (a path, an hdfs:// URL, or - for stdout)")
			}
			var err error
			if opts.Sep, err = parseSep(sep); err != nil {
				return err
			}
			if cmd.Flags().Changed("workers") && opts.Workers < 1 {
				return cmdutil.UsageErrorf("--workers must be at least 1, got %d", opts.Workers)
			}
			if opts.Workers < 1 {
				opts.Workers = runtime.GOMAXPROCS(0)
			}
			if opts.Keep, err = parseKeep(opts.Keep); err != nil {
				return err
			}
			if opts.Format == "" {
				opts.Format = formatFor(opts.Output)
			}
			if opts.Format == FormatParquet && opts.Output == "-" && opts.IO.IsStdoutTTY() {
				return cmdutil.UsageErrorf("--format parquet writes binary data: redirect stdout to a file, or give -o FILE.parquet")
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Output, "output", "o", "", "where to write the predictions: a path, an hdfs:// URL, or - for stdout (required)")
	fl.BoolVar(&opts.Contributions, "contributions", false, "also write each feature's contribution to the raw score (TreeSHAP for a GBM)")
	fl.StringSliceVar(&opts.Keep, "keep", nil, "INPUT columns to copy into OUTPUT before the predictions (comma-separated, repeatable)")
	fl.BoolVar(&opts.Strict, "strict", false, "fail on the first unseen level or unparsable number instead of scoring it as NA")
	fl.StringVar(&opts.Key, "key", "", "require MODEL to be signed by this ed25519 public key (PEM, from mlctl keygen)")
	fl.Var(&opts.Format, "format", "output format: csv or parquet (default: parquet when OUTPUT ends in .parquet, else csv)")
	fl.IntVar(&opts.Workers, "workers", 0, "goroutines that parse and score (default: the number of CPUs Go uses)")
	fl.StringVar(&sep, "sep", "", `INPUT's field separator, one character or "tab" (default: guess); CSV output uses the same`)
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"csv", "parquet"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// formatFor is the default output format for an OUTPUT name.
func formatFor(out string) Format {
	if out != "-" && strings.EqualFold(path.Ext(out), ".parquet") {
		return FormatParquet
	}
	return FormatCSV
}

func parseSep(s string) (byte, error) {
	switch s {
	case "":
		return 0, nil
	case "tab", `\t`, "\t":
		return '\t', nil
	}
	if len(s) != 1 || s[0] == '\n' || s[0] == '\r' || s[0] == '"' {
		return 0, cmdutil.UsageErrorf("--sep must be one ASCII character (not a quote or line end) or \"tab\", got %q", s)
	}
	return s[0], nil
}

// parseKeep trims the --keep names and refuses empty or repeated ones.
func parseKeep(names []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			return nil, cmdutil.UsageErrorf("--keep has an empty column name")
		}
		if seen[n] {
			return nil, cmdutil.UsageErrorf("--keep names %q twice", n)
		}
		seen[n] = true
		out = append(out, n)
	}
	return out, nil
}

// Run scores the input into the output.
func Run(opts *ScoreOptions) error {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	rows, err := run(ctx, opts)
	if err != nil && ctx.Err() != nil {
		// Ctrl-C: whatever the error it caused (a read of a closed input,
		// a cancelled upload), the outcome is an interruption.
		what := "nothing written"
		if opts.Output != "-" {
			what = opts.Output + " not written"
		}
		return errs.New(errs.Interrupted, fmt.Errorf("interrupted after %s rows; %s", commas(rows), what), "")
	}
	return err
}

// run scores and returns the rows scored.
func run(ctx context.Context, opts *ScoreOptions) (int64, error) {
	pub, err := artifactio.LoadPublicKey(opts.Key)
	if err != nil {
		return 0, err
	}
	a, err := artifactio.Open(ctx, opts.HDFS, opts.Model, pub)
	if err != nil {
		return 0, err
	}
	sc, err := newScorer(a, opts.Contributions)
	if err != nil {
		return 0, err
	}
	in, err := openInput(ctx, opts)
	if err != nil {
		return 0, err
	}
	defer in.close()
	// A read blocked on a pipe or a socket only returns when its input is
	// closed: Ctrl-C closes it.
	defer context.AfterFunc(ctx, in.interrupt)()
	pl, err := planFor(in, sc, opts)
	if err != nil {
		return 0, err
	}
	dst, err := openDest(ctx, opts)
	if err != nil {
		return 0, err
	}
	var w sink
	if opts.Format == FormatParquet {
		w = newParquetSink(dst.w, pl.cols, sc.schema.Classes)
	} else {
		w = newCSVSink(dst.w, pl.cols, pl.outSep, sc.schema.Classes)
	}
	if err := w.begin(); err != nil {
		dst.abort()
		return 0, fmt.Errorf("writing %s: %w", opts.Output, err)
	}

	prog := newProgress(opts.IO, in)
	p := &pipeline{ctx: ctx, in: in, plan: pl, scorer: sc, sink: w, workers: opts.Workers, strict: opts.Strict,
		stats: newNAStats(pl), progress: prog.update, times: opts.times}
	err = p.run()
	prog.done()
	if err == nil {
		if err = w.end(); err != nil {
			err = fmt.Errorf("writing %s: %w", opts.Output, err)
		}
	}
	if err == nil {
		err = dst.commit()
	}
	if err != nil {
		dst.abort()
		return p.stats.rows, err
	}
	fmt.Fprintf(opts.IO.ErrOut, "mlctl: %s\n", p.stats.summary())
	return p.stats.rows, nil
}
