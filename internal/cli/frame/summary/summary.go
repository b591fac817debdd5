package summary

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mlctl/mlctl/engine/api"
	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// SummaryOptions configures `frame summary`.
type SummaryOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Ctx        context.Context

	Cluster string
	Name    string
	Output  cmdutil.OutputFormat
}

// NewCmdSummary returns the `frame summary` command.
func NewCmdSummary(f *cmdutil.Factory, runF func(*SummaryOptions) error) *cobra.Command {
	opts := &SummaryOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI}
	cmd := &cobra.Command{
		Use:   "summary NAME",
		Short: "Show per-column statistics of a frame",
		Long: `Show one line per column: its type, how many values are missing (NA), and
min, max, mean and standard deviation for numeric columns or the number of
distinct levels (CARDINALITY) for categorical ones. Cells that do not apply are
empty (null in JSON).

On a terminal numbers are rounded to 6 significant digits; piped and in JSON
they are exact.`,
		Example: `  mlctl frame summary train --cluster demo
  mlctl frame summary train -c demo -o json | jq '.columns[] | select(.na_count > 0) | .name'`,
		Args: cmdutil.ExactArgs(1, "frame summary needs the frame NAME (see mlctl frame list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Name = args[0]
			var err error
			if opts.Cluster, err = cmdutil.ResolveCluster(opts.Cluster); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmdutil.AddClusterFlag(cmd, &opts.Cluster)
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run fetches and prints the summary.
func Run(opts *SummaryOptions) error {
	c, err := fshared.Connect(opts.Ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	s, err := c.Summary(opts.Ctx, opts.Name)
	if err != nil {
		return cmdutil.FrameError(opts.Cluster, opts.Name, err)
	}
	return Print(opts.IO, opts.Output, s)
}

// Print renders a summary: the table, or api.Summary as JSON/YAML exactly.
func Print(ios *iostreams.IOStreams, format cmdutil.OutputFormat, s *api.Summary) error {
	if format.IsData() {
		return cmdutil.WriteData(ios.Out, format, s)
	}
	if ios.IsStdoutTTY() {
		fmt.Fprintf(ios.Out, "%s: %d rows, %d columns\n\n", ios.ColorScheme().Bold(s.Name), s.Rows, len(s.Columns))
	}
	tty := ios.IsStdoutTTY()
	num := func(p *api.Number) string {
		if p == nil {
			return ""
		}
		if tty {
			return strconv.FormatFloat(float64(*p), 'g', 6, 64) // +Inf, -Inf, NaN as Go spells them
		}
		return strconv.FormatFloat(float64(*p), 'g', -1, 64)
	}
	cs := ios.ColorScheme()
	tp := cmdutil.NewTablePrinter(ios)
	tp.Header("COLUMN", "TYPE", "NA", "MIN", "MAX", "MEAN", "SD", "CARDINALITY")
	for _, col := range s.Columns {
		tp.AddField(col.Name, nil)
		tp.AddField(col.Type, cs.Dim)
		na := strconv.FormatInt(col.NACount, 10)
		if col.NACount > 0 {
			tp.AddField(na, cs.Yellow)
		} else {
			tp.AddField(na, nil)
		}
		tp.AddField(num(col.Min), nil)
		tp.AddField(num(col.Max), nil)
		tp.AddField(num(col.Mean), nil)
		tp.AddField(num(col.SD), nil)
		card := ""
		if col.Cardinality != nil {
			card = strconv.FormatInt(*col.Cardinality, 10)
		}
		tp.AddField(card, nil)
		tp.EndRow()
	}
	return tp.Render()
}
