package shared

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// Backends lists the accepted --backend values ("" = the default one).
var Backends = []string{"local", "yarn"}

// AddBackendFlag registers --backend on cmd.
func AddBackendFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "backend", "", "where clusters run: local or yarn (default: the configured default)")
	_ = cmd.RegisterFlagCompletionFunc("backend", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return Backends, cobra.ShellCompDirectiveNoFileComp
	})
}

// ValidateBackend rejects unknown --backend values with a usage error.
func ValidateBackend(name string) error {
	if name == "" {
		return nil
	}
	for _, b := range Backends {
		if name == b {
			return nil
		}
	}
	return cmdutil.UsageErrorf("unknown backend %q: use local or yarn", name)
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidateName checks a cluster name. Names become YARN tags, directory
// names and DNS-like labels, hence the strict rule.
func ValidateName(name string) error {
	if nameRE.MatchString(name) {
		return nil
	}
	return cmdutil.UsageErrorf("invalid cluster name %q: use 1 to 63 lower-case letters, digits and '-', starting with a letter or digit", name)
}

// StateStyle colours a cluster state on a terminal; it is never nil.
func StateStyle(cs iostreams.ColorScheme, state string) func(string) string {
	switch state {
	case "running":
		return cs.Green
	case "starting":
		return cs.Yellow
	case "failed", "degraded", "killed":
		return cs.Red
	case "expired":
		return cs.Yellow
	case "stopped":
		return cs.Dim
	}
	return func(s string) string { return s }
}

// PrintRecord prints one record as launch shows it: NAME STATE NODES MEMORY
// LEADER, or the whole record for --output json|yaml.
func PrintRecord(ios *iostreams.IOStreams, format cmdutil.OutputFormat, rec *launcher.Record) error {
	if format.IsData() {
		red := launcher.Redacted(*rec)
		return cmdutil.WriteData(ios.Out, format, &red)
	}
	tp := cmdutil.NewTablePrinter(ios)
	tp.Header("NAME", "STATE", "NODES", "MEMORY", "LEADER")
	tp.AddField(rec.Name, nil)
	tp.AddField(rec.State, StateStyle(ios.ColorScheme(), rec.State))
	tp.AddField(strconv.Itoa(rec.Nodes), nil)
	tp.AddField(cmdutil.Bytes(ios, rec.MemoryBytes), nil)
	tp.AddField(rec.Leader, nil)
	return tp.Render()
}

// Successf writes a confirmation to stderr, only on a terminal: scripts get
// silence and the exit code.
func Successf(ios *iostreams.IOStreams, format string, a ...any) {
	if !ios.IsStderrTTY() {
		return
	}
	fmt.Fprintf(ios.ErrOut, format+"\n", a...)
}
