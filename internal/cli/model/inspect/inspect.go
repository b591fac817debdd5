package inspect

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/internal/cli/model/artifactio"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/scoring"
	"github.com/spf13/cobra"
)

// InspectOptions configures `model inspect`.
type InspectOptions struct {
	IO   *iostreams.IOStreams
	HDFS func(ctx context.Context) (cmdutil.HDFS, error)
	Ctx  context.Context

	Path   string
	Key    string
	Output cmdutil.OutputFormat
}

// Report is what inspect prints with --output json|yaml: the manifest as
// stored, and what reading found.
type Report struct {
	File      string            `json:"file"`
	Manifest  *scoring.Manifest `json:"manifest"`
	Signature *SignatureInfo    `json:"signature"`
	Baseline  bool              `json:"has_baseline"`
	Example   *scoring.Example  `json:"example,omitempty"`
}

// SignatureInfo says who signed and whether it was checked.
type SignatureInfo struct {
	KeyID    string `json:"key_id"`
	Verified bool   `json:"verified"`
}

// NewCmdInspect returns the `model inspect` command.
func NewCmdInspect(f *cmdutil.Factory, runF func(*InspectOptions) error) *cobra.Command {
	opts := &InspectOptions{IO: f.IOStreams, HDFS: f.HDFS}
	cmd := &cobra.Command{
		Use:   "inspect FILE.mlz",
		Short: "Show what a scoring artifact holds",
		Long: `Show a scoring artifact's model (algorithm, kind, classes), its input schema,
parameters and metrics, its lineage (data fingerprint, files, rows, who
trained it on which cluster and when) and its entries with their SHA-256.
The artifact is checked as it is read: a damaged or modified file is an
error (exit 7). --key also checks the signature.

FILE may be a local path or an hdfs:// URL. --output json gives the manifest
as stored, with the signature and the example rows.`,
		Example: `  mlctl model inspect delay.mlz
  mlctl model inspect delay.mlz --output json | jq .manifest.lineage`,
		Args: cmdutil.ExactArgs(1, "model inspect needs the artifact's path"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Path = args[0]
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Key, "key", "", "also verify the signature with this ed25519 public key (PEM)")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run reads the artifact and prints it.
func Run(opts *InspectOptions) error {
	pub, err := artifactio.LoadPublicKey(opts.Key)
	if err != nil {
		return err
	}
	a, err := artifactio.Open(opts.Ctx, opts.HDFS, opts.Path, pub)
	if err != nil {
		return err
	}
	r := Report{File: opts.Path, Manifest: &a.Manifest, Baseline: a.Baseline != nil, Example: a.Example}
	if a.Signature != nil {
		r.Signature = &SignatureInfo{KeyID: a.Signature.KeyID, Verified: a.Verified}
	}
	if opts.Output.IsData() {
		return cmdutil.WriteData(opts.IO.Out, opts.Output, r)
	}
	return printReport(opts.IO, &r, a)
}

func printReport(ios *iostreams.IOStreams, r *Report, a *scoring.Artifact) error {
	m := r.Manifest
	s := &m.Schema
	kind := m.Kind
	if len(s.Classes) > 0 {
		kind += ": " + strings.Join(s.Classes, ", ")
	}
	ncat := 0
	for _, f := range s.Features {
		if f.Type == scoring.Categorical {
			ncat++
		}
	}
	sig := "none"
	if r.Signature != nil {
		sig = "key " + r.Signature.KeyID + " (not checked: give --key)"
		if r.Signature.Verified {
			sig = "key " + r.Signature.KeyID + ", verified"
		}
	}
	pairs := [][2]string{
		{"file", ios.ColorScheme().Cyan(r.File)},
		{"format", fmt.Sprintf("%s version %d", m.Format, m.FormatVersion)},
		{"model", m.ModelID},
		{"algo", m.Algo + " (" + kind + ")"},
		{"response", s.Response},
		{"features", fmt.Sprintf("%d (%d categorical): %s", len(s.Features), ncat, featureNames(s))},
		{"outputs", strings.Join(m.Outputs, ", ")},
	}
	if s.Offset != "" {
		pairs = append(pairs, [2]string{"offset", s.Offset})
	}
	if m.Kind == "binomial" {
		pairs = append(pairs, [2]string{"threshold", strconv.FormatFloat(m.Threshold, 'g', -1, 64)})
	}
	if g, ok := a.Model.(*scoring.GBM); ok {
		pairs = append(pairs, [2]string{"trees", fmt.Sprintf("%d (%s)", len(g.Trees), g.Distribution)})
	}
	if g, ok := a.Model.(*scoring.GLM); ok {
		pairs = append(pairs, [2]string{"family", g.Family + ", link " + g.Link})
	}
	pairs = append(pairs, [2]string{"params", compact(m.Params)})
	if src := m.Source; src != nil {
		pairs = append(pairs, [2]string{"imported from", src.Format + " " + src.File + " (sha256 " + src.SHA256 + ")"})
	}
	l := m.Lineage
	for _, kv := range [][2]string{
		{"data", l.DataFingerprint}, {"frame", l.Frame}, {"sources", strings.Join(l.Sources, ", ")},
		{"rows", rows(l.Rows)}, {"principal", l.Principal}, {"user", l.User}, {"cluster", l.Cluster},
		{"backend", l.Backend}, {"application", l.ApplicationID}, {"mlctl", l.MlctlVersion},
		{"trained", l.Trained}, {"exported", l.Exported},
	} {
		if kv[1] != "" {
			pairs = append(pairs, kv)
		}
	}
	pairs = append(pairs, [2]string{"created", m.Created}, [2]string{"signature", sig})
	for _, e := range m.Entries {
		pairs = append(pairs, [2]string{"entry " + e.Name, fmt.Sprintf("%d bytes, sha256 %s", e.Size, e.SHA256)})
	}
	if err := cmdutil.KeyValues(ios, pairs); err != nil {
		return err
	}
	return printMetrics(ios, m.Metrics)
}

func featureNames(s *scoring.Schema) string {
	names := make([]string, 0, len(s.Features))
	for _, f := range s.Features {
		names = append(names, f.Name)
	}
	const max = 12
	if len(names) > max {
		return strings.Join(names[:max], ", ") + fmt.Sprintf(", … (%d more)", len(names)-max)
	}
	return strings.Join(names, ", ")
}

func rows(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func compact(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "{}"
	}
	var v map[string]any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		b, _ := json.Marshal(v[k])
		parts = append(parts, k+"="+string(b))
	}
	return strings.Join(parts, " ")
}

// printMetrics prints the scalar metrics per data set.
func printMetrics(ios *iostreams.IOStreams, raw json.RawMessage) error {
	var ms map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &ms) != nil {
		return nil
	}
	for _, set := range []string{"train", "valid", "cv"} {
		var m map[string]any
		if json.Unmarshal(ms[set], &m) != nil || len(m) == 0 {
			continue
		}
		keys := make([]string, 0, len(m))
		for k, v := range m {
			if _, ok := v.(float64); ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if _, err := fmt.Fprintf(ios.Out, "\n%s\n", ios.ColorScheme().Bold("Metrics ("+set+")")); err != nil {
			return err
		}
		value := func(k string) string { return strconv.FormatFloat(m[k].(float64), 'g', 6, 64) }
		if !ios.IsStdoutTTY() {
			for _, k := range keys {
				if _, err := fmt.Fprintf(ios.Out, "  %s\t%s\n", k, value(k)); err != nil {
					return err
				}
			}
			continue
		}
		// On a terminal the pairs are aligned by the shared table printer,
		// not left to the terminal's tab stops.
		tp := cmdutil.NewTablePrinter(ios)
		for _, k := range keys {
			tp.AddRow("  "+k, value(k))
		}
		if err := tp.Render(); err != nil {
			return err
		}
	}
	return nil
}
