package usage

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl/internal/audit"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/profile"
	"github.com/spf13/cobra"
)

// Format is --output: table, json, yaml or csv.
type Format string

func (f *Format) String() string {
	if *f == "" {
		return "table"
	}
	return string(*f)
}

// Set accepts table, json, yaml or csv.
func (f *Format) Set(s string) error {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "table", "json", "yaml", "csv":
		*f = Format(v)
		return nil
	}
	return errors.New("must be one of table, json, yaml, csv")
}

// Type is shown in help.
func (f *Format) Type() string { return "format" }

// UsageOptions configures `admin usage`.
type UsageOptions struct {
	IO   *iostreams.IOStreams
	Gate *enforce.Gate
	Now  func() time.Time
	Ctx  context.Context

	Since time.Duration
	// Log is the audit log to read ("" = the policy's).
	Log    string
	Output Format
}

// NewCmdUsage returns the `admin usage` command.
func NewCmdUsage(f *cmdutil.Factory, runF func(*UsageOptions) error) *cobra.Command {
	opts := &UsageOptions{IO: f.IOStreams, Gate: enforce.FromFactory(f), Now: f.Now, Output: "table"}
	since := "30d"
	cmd := &cobra.Command{
		Use:   "usage",
		Short: "Per-user clusters, node-hours, GiB-hours and denials, from the audit log",
		Long: `Sum the audit log over a window ending now, per user: the clusters that ran in
it, node-hours (nodes × hours), GiB-hours (nodes × memory per node × hours)
and launches the policy denied. A cluster runs from its launch (or start) to
its stop or reap, or to the end of the lifetime it was launched with, or to
now; only the part inside the window counts.`,
		Example: `  mlctl admin usage
  mlctl admin usage --since 7d --output csv > usage.csv`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := profile.ParseDuration(since)
			if err != nil || d <= 0 {
				return cmdutil.UsageErrorf("--since %q: give a positive duration such as 30d, 12h or 90m", since)
			}
			opts.Since = d
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVar(&since, "since", since, "the window: this long before now (e.g. 30d, 12h)")
	cmd.Flags().StringVar(&opts.Log, "audit-log", "", "read this audit log (default: the policy's naming.audit_log)")
	cmd.Flags().VarP(&opts.Output, "output", "o", "output format: table, json, yaml or csv")
	return cmd
}

// Run prints the usage.
func Run(opts *UsageOptions) error {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	pol, _, err := opts.Gate.RequireAdmin(ctx, "mlctl admin usage")
	if err != nil {
		return err
	}
	path := opts.Log
	if path == "" {
		path = enforce.AuditPath(pol, opts.Gate.Home)
	}
	recs, err := audit.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errs.New(errs.NotFound, fmt.Errorf("no audit log at %s", path), "nothing has been launched under this policy yet, or naming.audit_log points elsewhere")
	}
	if err != nil {
		return err
	}
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	rows := Compute(recs, now.Add(-opts.Since), now)
	switch opts.Output {
	case "json", "yaml":
		return cmdutil.WriteData(opts.IO.Out, cmdutil.OutputFormat(opts.Output), rows)
	case "csv":
		w := csv.NewWriter(opts.IO.Out)
		w.Write([]string{"user", "clusters", "node_hours", "gib_hours", "denials"})
		for _, r := range rows {
			w.Write([]string{r.User, strconv.Itoa(r.Clusters), num(r.NodeHours), num(r.GiBHours), strconv.Itoa(r.Denials)})
		}
		w.Flush()
		return w.Error()
	}
	if len(rows) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "no activity in the last %s (%s)\n", profile.FormatDuration(opts.Since), path)
		return nil
	}
	tp := cmdutil.NewTablePrinter(opts.IO)
	tp.Header("USER", "CLUSTERS", "NODE-HOURS", "GIB-HOURS", "DENIALS")
	for _, r := range rows {
		tp.AddRow(r.User, strconv.Itoa(r.Clusters), num(r.NodeHours), num(r.GiBHours), strconv.Itoa(r.Denials))
	}
	return tp.Render()
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }
