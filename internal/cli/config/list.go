package config

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/config"
	"github.com/mlctl/mlctl/internal/iostreams"
)

// GetOptions configures `config get` and `config list`.
type GetOptions struct {
	IO       *iostreams.IOStreams
	Settings func() (*config.Settings, error)
	Ctx      context.Context

	Key        string
	Output     cmdutil.OutputFormat
	ShowOrigin bool
}

// NewCmdGet returns `config get KEY`.
func NewCmdGet(f *cmdutil.Factory, runF func(*GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: f.IOStreams, Settings: settings(f)}
	cmd := &cobra.Command{
		Use:   "get KEY",
		Short: "Print a setting's effective value",
		Long: `Print the value a command would use for the setting, after the flag,
MLCTL_* variable, your file, the system file and the default are weighed (see
mlctl config --help). Nothing is printed for a setting nobody set. Problems
in the config files are reported on stderr.`,
		Example: `  mlctl config get cluster
  mlctl frame list --cluster "$(mlctl config get cluster)"`,
		Args:              cmdutil.ExactArgs(1, "config get needs a KEY, e.g. mlctl config get cluster"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key, opts.Ctx = args[0], cmd.Context()
			if _, err := lookupKey(opts.Key); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return RunGet(opts)
		},
	}
	return cmd
}

// RunGet prints the value.
func RunGet(opts *GetOptions) error {
	s, err := opts.Settings()
	if err != nil {
		return err
	}
	if ps := s.Problems(); ps != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: problems in the configuration (mlctl config list shows them all):\n%s\n", ps)
	}
	if v := s.Get(opts.Key).Value; v != "" {
		fmt.Fprintln(opts.IO.Out, v)
	}
	return nil
}

// NewCmdList returns `config list`.
func NewCmdList(f *cmdutil.Factory, runF func(*GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: f.IOStreams, Settings: settings(f)}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List every setting's effective value",
		Long: `List every setting with the value a command would use. With --show-origin,
also where it came from: "flag --keytab", "env MLCTL_CLUSTER", "file PATH" or
"default".

Problems in the config files (unknown keys, wrong types, refused values, a
file that is not YAML) are printed after the list with their file:line:col,
and the command then exits with code 2; the settings the problems concern are
shown from the next source down.

This command's own --output is the format of the list, not the output
setting.`,
		Example: `  mlctl config list
  mlctl config list --show-origin
  mlctl config list --output json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return RunList(opts)
		},
	}
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	_ = cmd.Flags().SetAnnotation("output", config.NotASetting, []string{"the list's format"})
	cmd.Flags().BoolVar(&opts.ShowOrigin, "show-origin", false, "show where each value came from")
	return cmd
}

// entry is one setting in `config list --output json|yaml`; origin and
// source only with --show-origin.
type entry struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Origin string `json:"origin,omitempty"` // flag, env, file, system-file or default
	Source string `json:"source,omitempty"` // the flag, variable or file
}

// RunList prints the settings, then fails with the problems, if any.
func RunList(opts *GetOptions) error {
	s, err := opts.Settings()
	if err != nil {
		return err
	}
	vals := s.All()
	if opts.Output.IsData() {
		out := make([]entry, len(vals))
		for i, v := range vals {
			out[i] = entry{Key: v.Key, Value: v.Value}
			if opts.ShowOrigin {
				out[i].Origin, out[i].Source = string(v.Origin.Kind), v.Origin.Name
			}
		}
		if err := cmdutil.WriteData(opts.IO.Out, opts.Output, out); err != nil {
			return err
		}
	} else {
		tp := cmdutil.NewTablePrinter(opts.IO)
		if opts.ShowOrigin {
			tp.Header("KEY", "VALUE", "ORIGIN")
		} else {
			tp.Header("KEY", "VALUE")
		}
		dim := opts.IO.ColorScheme().Dim
		for _, v := range vals {
			tp.AddField(v.Key, nil)
			tp.AddField(v.Value, nil)
			if opts.ShowOrigin {
				style := (func(string) string)(nil)
				if v.Origin.Kind == config.FromDefault {
					style = dim
				}
				tp.AddField(v.Origin.String(), style)
			}
			tp.EndRow()
		}
		if err := tp.Render(); err != nil {
			return err
		}
	}
	return s.Err()
}
