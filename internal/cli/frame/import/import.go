package importcmd

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/frame"
	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// ImportOptions configures `frame import`.
type ImportOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Ctx        context.Context

	Cluster   string
	Paths     []string // as typed; Run expands them
	Name      string
	ColTypes  map[string]string // canonical type names
	Sep       string
	Header    string
	NAStrings []string
	Replace   bool
	Output    cmdutil.OutputFormat

	// Quiet suppresses the frame table (quickstart prints a summary instead).
	Quiet bool
}

// NewCmdImport returns the `frame import` command.
func NewCmdImport(f *cmdutil.Factory, runF func(*ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI}
	var colTypes []string
	cmd := &cobra.Command{
		Use:   "import PATH...",
		Short: "Parse files into a frame on a cluster",
		Long: `Parse CSV files into a new frame held in the cluster's memory.

Local paths may be globs (quote them to let mlctl expand them); they are made
absolute and must be readable. hdfs:// URLs are passed to the cluster as they
are. The frame is named after the first file (without extensions) unless you
give --name.

Column types are guessed from a sample; override them with --col-type
NAME=TYPE, where TYPE is numeric, categorical, string or time.`,
		Example: `  mlctl frame import --cluster demo examples/data/*.csv --name train
  mlctl frame import -c demo 'logs/2025-*.csv' --col-type Origin=categorical --na-string NULL
  mlctl frame import -c demo hdfs://nameservice1/data/airline.csv --replace`,
		Args: cmdutil.MinimumArgs(1, "frame import needs at least one PATH to read"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Paths = args
			var err error
			if opts.Cluster, err = cmdutil.ResolveCluster(opts.Cluster); err != nil {
				return err
			}
			if opts.ColTypes, err = ParseColTypes(colTypes); err != nil {
				return err
			}
			if opts.Sep, err = parseSep(opts.Sep); err != nil {
				return err
			}
			switch opts.Header {
			case "auto", "yes", "no":
			default:
				return cmdutil.UsageErrorf("--header must be auto, yes or no, got %q", opts.Header)
			}
			if cmd.Flags().Changed("name") && !ValidName.MatchString(opts.Name) {
				return cmdutil.UsageErrorf("--name %q is not a frame name: use 1-128 letters, digits, '_', '.', '-', not starting with '.' or '-'", opts.Name)
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddClusterFlag(cmd, &opts.Cluster)
	fl.StringVar(&opts.Name, "name", "", "name of the new frame (default: the first file's name)")
	fl.StringArrayVar(&colTypes, "col-type", nil, "column type override NAME=TYPE (repeatable)")
	fl.StringVar(&opts.Sep, "sep", "", `field separator, one character or "tab" (default: guess)`)
	fl.StringVar(&opts.Header, "header", "auto", "first line is a header: auto, yes or no")
	fl.StringArrayVar(&opts.NAStrings, "na-string", nil, "extra token that means a missing value (repeatable)")
	fl.BoolVar(&opts.Replace, "replace", false, "replace an existing frame of that name")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// ParseColTypes reads NAME=TYPE pairs, checking each TYPE with
// frame.ParseType and returning canonical names.
func ParseColTypes(pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(pairs))
	for _, p := range pairs {
		name, typ, ok := strings.Cut(p, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, cmdutil.UsageErrorf("--col-type %q: want NAME=TYPE, e.g. Origin=categorical", p)
		}
		t, ok := frame.ParseType(strings.ToLower(strings.TrimSpace(typ)))
		if !ok {
			return nil, cmdutil.UsageErrorf("--col-type %q: unknown type %q; use numeric, categorical, string or time", p, typ)
		}
		out[name] = string(t)
	}
	return out, nil
}

func parseSep(s string) (string, error) {
	switch s {
	case "", ",", ";", "|", " ":
		return s, nil
	case "tab", `\t`, "\t":
		return "\t", nil
	}
	if len([]rune(s)) != 1 {
		return "", cmdutil.UsageErrorf("--sep must be one character or \"tab\", got %q", s)
	}
	return s, nil
}

// Run imports the files and prints the new frame.
func Run(opts *ImportOptions) error {
	ctx := opts.Ctx
	paths, err := ExpandPaths(opts.Paths)
	if err != nil {
		return err
	}
	name := opts.Name
	if name == "" {
		name = DefaultName(paths[0])
		if baseName(paths[0]) != name {
			fmt.Fprintf(opts.IO.ErrOut, "naming the frame %q after %s (give --name to choose)\n", name, filepath.Base(paths[0]))
		}
	}
	c, err := fshared.Connect(ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	header := opts.Header
	if header == "" {
		header = "auto"
	}
	job, err := c.ImportFrame(ctx, api.ImportRequest{
		Paths: paths, Name: name, ColTypes: opts.ColTypes, Sep: opts.Sep,
		Header: header, NAStrings: opts.NAStrings, Replace: opts.Replace,
	})
	if err != nil {
		return fmt.Errorf("importing %s: %w", name, err)
	}
	pl := cmdutil.NewProgressLine(opts.IO, true)
	jobID := job.ID
	job, err = c.WaitJob(ctx, jobID, func(j *api.Job) {
		pl.Set("", fmt.Sprintf("importing %s %s %3.0f%% %s", name, cmdutil.Bar(j.Progress, 30), j.Progress*100, j.Message))
	})
	pl.Done()
	if job != nil {
		printWarnings(opts.IO, job.Warnings) // a failed import's warnings often say why
	}
	if err != nil && ctx.Err() != nil {
		return errs.New(errs.Interrupted, fmt.Errorf("interrupted: import job %s goes on in cluster %s", jobID, opts.Cluster),
			fmt.Sprintf("cancel it with: mlctl job cancel --cluster %s %s", opts.Cluster, jobID))
	}
	var je *api.JobError
	if errors.As(err, &je) && je.Job.State == "failed" {
		return errs.New(errs.Error, fmt.Errorf("importing %s failed: %s", name, je.Job.Error),
			"check the file format; --sep, --header and --col-type override the guesses")
	}
	if err != nil {
		return fmt.Errorf("importing %s: %w", name, err)
	}
	if opts.Quiet {
		return nil
	}
	fi, err := c.Frame(ctx, name)
	if err != nil {
		return cmdutil.FrameError(opts.Cluster, name, err)
	}
	return fshared.PrintFrame(opts.IO, opts.Output, fi)
}

func printWarnings(ios *iostreams.IOStreams, ws []string) {
	for _, w := range ws {
		fmt.Fprintf(ios.ErrOut, "warning: %s\n", w)
	}
}
