package export

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	"github.com/mlctl/mlctl/internal/cli/model/artifactio"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/scoring"
	"github.com/spf13/cobra"
)

// ExportOptions configures `model export`.
type ExportOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Backend    func(name string) (launcher.Backend, error)
	HDFS       func(ctx context.Context) (cmdutil.HDFS, error)
	Identity   func(ctx context.Context) (principal, user string)
	Now        func() time.Time
	Version    string
	Ctx        context.Context

	Cluster string
	ID      string
	Out     string
	SignKey string
	Output  cmdutil.OutputFormat
}

// NewCmdExport returns the `model export` command.
func NewCmdExport(f *cmdutil.Factory, runF func(*ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI, Backend: f.Backend, HDFS: f.HDFS, Identity: f.Identity, Now: f.Now, Version: f.Build.Version}
	cmd := &cobra.Command{
		Use:   "export ID -o FILE.mlz",
		Short: "Write a model to a portable scoring artifact (.mlz)",
		Long: `Write a trained model to a scoring artifact: one .mlz file holding the model,
its input schema, parameters and metrics, an example input, the training
data's drift baseline and its lineage (a fingerprint of the training data, its
files, who trained it on which cluster, with which mlctl). Every entry carries
a SHA-256; --sign-key adds an ed25519 signature (make a key pair with mlctl
keygen) that mlctl model verify --key checks.

The file is written atomically, to a local path or an hdfs:// URL: readers
see the old file or the whole new one, and a failed export leaves nothing.
mlctl score and the Go package scoring read it, with no cluster and no JVM.`,
		Example: `  mlctl model export --cluster demo gbm-IsDelayed-1 -o delay.mlz
  mlctl model export -c demo gbm-IsDelayed-1 -o delay.mlz --sign-key ~/.mlctl/signing.key
  mlctl model export -c demo gbm-IsDelayed-1 -o hdfs:///user/me/models/delay.mlz`,
		Args: cmdutil.ExactArgs(1, "model export needs the model ID (see mlctl model list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.ID = args[0]
			var err error
			if opts.Cluster, err = cmdutil.ResolveCluster(opts.Cluster); err != nil {
				return err
			}
			if strings.TrimSpace(opts.Out) == "" {
				return cmdutil.UsageErrorf("model export needs -o FILE.mlz (a local path or an hdfs:// URL)")
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmdutil.AddClusterFlag(cmd, &opts.Cluster)
	fl := cmd.Flags()
	fl.StringVarP(&opts.Out, "out", "o", "", "artifact to write: a local path or an hdfs:// URL (required)")
	fl.StringVar(&opts.SignKey, "sign-key", "", "sign with this ed25519 private key (PEM, from mlctl keygen; must be readable only by you)")
	fl.Var(&opts.Output, "format", "what to print: table, json or yaml")
	opts.Output = cmdutil.OutputTable
	return cmd
}

// Run fetches the model and writes its artifact.
func Run(opts *ExportOptions) error {
	ctx := opts.Ctx
	key, err := artifactio.LoadPrivateKey(opts.SignKey)
	if err != nil {
		return err
	}
	if _, _, err := artifactio.HDFSPath(opts.Out); err != nil {
		return err
	}
	c, err := fshared.Connect(ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	ex, err := c.ModelExport(ctx, opts.ID)
	if err != nil {
		return cmdutil.ModelError(opts.Cluster, opts.ID, err)
	}
	a, err := Build(ex, opts.lineage(ctx), opts.Now())
	if err != nil {
		return err
	}
	w, err := artifactio.Write(ctx, opts.HDFS, opts.Out, a, key)
	if err != nil {
		return fmt.Errorf("exporting %s: %w", opts.ID, err)
	}
	return w.Print(opts.IO, opts.Output)
}

// lineage is what the gateway knows of who exports from where.
func (opts *ExportOptions) lineage(ctx context.Context) scoring.Lineage {
	l := scoring.Lineage{Cluster: opts.Cluster, MlctlVersion: opts.Version}
	var rec *launcher.Record
	if opts.Backend != nil {
		if b, err := opts.Backend(""); err == nil {
			rec, _ = b.Get(ctx, opts.Cluster)
		}
	}
	if rec != nil {
		l.Backend, l.ApplicationID, l.User = rec.Backend, rec.AppID, rec.Owner
	}
	if rec != nil && rec.Backend == "yarn" && opts.Identity != nil {
		if p, u := opts.Identity(ctx); p != "" || u != "" {
			l.Principal = p
			if u != "" {
				l.User = u
			}
		}
	}
	return l
}

// Build assembles the artifact of an exported model: the cluster's side of
// the lineage (data fingerprint, frame, files, rows, training time) joined
// to the gateway's (l).
func Build(ex *api.ModelExport, l scoring.Lineage, now time.Time) (*scoring.Artifact, error) {
	if ex.Model == nil {
		return nil, fmt.Errorf("the cluster sent a model export without the model's description")
	}
	m, err := scoring.DecodeBody(ex.Body, ex.Schema)
	if err != nil {
		return nil, fmt.Errorf("the cluster sent a model that does not decode: %w", err)
	}
	info := ex.Model
	params, err := json.Marshal(info.Params)
	if err != nil {
		return nil, fmt.Errorf("model parameters: %w", err)
	}
	metrics, err := json.Marshal(map[string]any{"train": info.Metrics.Train, "valid": info.Metrics.Valid, "cv": info.Metrics.CV,
		"variable_importance": info.VariableImportance, "training_time_ms": info.TrainingTimeMS})
	if err != nil {
		return nil, fmt.Errorf("model metrics: %w", err)
	}
	l.Frame, l.Sources, l.Rows = info.Frame, ex.Sources, info.Rows
	l.Trained = info.Created.UTC().Format(time.RFC3339)
	l.Exported = now.UTC().Format(time.RFC3339)
	a := &scoring.Artifact{Model: m, Manifest: scoring.Manifest{ModelID: info.ModelID, Kind: info.Kind, Params: params, Metrics: metrics, Lineage: l, Created: l.Exported}}
	if ex.Threshold != nil {
		a.Manifest.Threshold = float64(*ex.Threshold)
	}
	if p := ex.Profile; p != nil {
		a.Manifest.Lineage.DataFingerprint = p.Fingerprint
		a.Baseline, a.Example = p.Baseline, p.Example
	}
	return a, nil
}
