package importmodel

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlctl/mlctl/internal/cli/model/artifactio"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/scoring"
	"github.com/mlctl/mlctl/scoring/h2omojo"
	"github.com/mlctl/mlctl/scoring/lightgbm"
	"github.com/mlctl/mlctl/scoring/xgboost"
	"github.com/spf13/cobra"
)

// ImportOptions configures `model import`.
type ImportOptions struct {
	IO       *iostreams.IOStreams
	HDFS     func(ctx context.Context) (cmdutil.HDFS, error)
	Identity func(ctx context.Context) (principal, user string)
	Now      func() time.Time
	Version  string
	Ctx      context.Context

	From    string
	Path    string
	Out     string
	Name    string
	SignKey string
	Output  cmdutil.OutputFormat
}

// importer reads one source format into a model and a description of it.
type importer func(b []byte) (scoring.Model, any, error)

var importers = map[string]importer{
	"lightgbm": func(b []byte) (scoring.Model, any, error) {
		m, info, err := lightgbm.Read(bytes.NewReader(b))
		if err != nil {
			return nil, nil, err
		}
		return m, info, nil
	},
	"xgboost": func(b []byte) (scoring.Model, any, error) {
		m, info, err := xgboost.Read(bytes.NewReader(b))
		if err != nil {
			return nil, nil, err
		}
		return m, info, nil
	},
	"h2o-mojo": func(b []byte) (scoring.Model, any, error) {
		m, info, err := h2omojo.Read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, nil, err
		}
		return m, info, nil
	},
}

// Formats are the accepted --from values.
var Formats = []string{"lightgbm", "xgboost", "h2o-mojo"}

// NewCmdImport returns the `model import` command.
func NewCmdImport(f *cmdutil.Factory, runF func(*ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{IO: f.IOStreams, HDFS: f.HDFS, Identity: f.Identity, Now: f.Now, Version: f.Build.Version}
	cmd := &cobra.Command{
		Use:   "import --from FORMAT MODEL_FILE -o FILE.mlz",
		Short: "Turn a LightGBM, XGBoost or H2O-3 MOJO model into a scoring artifact",
		Long: `Convert a model trained elsewhere into a .mlz scoring artifact that scores the
same rows to the same values (within 1e-6), for mlctl score and the Go
package scoring. No Python and no JVM are needed, at import or at scoring.

  --from lightgbm   a LightGBM text model (Booster.save_model("model.txt")):
                    regression, binary, multiclass, poisson, gamma, tweedie
  --from xgboost    an XGBoost JSON model (Booster.save_model("model.json")):
                    reg:squarederror, binary:logistic, multi:softprob,
                    count:poisson, reg:gamma, reg:tweedie
  --from h2o-mojo   an H2O-3 MOJO zip (model.download_mojo()): GBM and GLM

A model of a kind the importer cannot reproduce exactly (another objective,
a linear tree, a DRF or deep learning MOJO) is refused with the reason,
never converted approximately. Column names come from the model file; a
LightGBM categorical feature takes its integer codes as levels ("0", "1", …).`,
		Example: `  mlctl model import --from lightgbm model.txt -o lgb.mlz
  mlctl model import --from xgboost model.json -o xgb.mlz --sign-key ~/.mlctl/signing.key
  mlctl model import --from h2o-mojo GBM_model.zip -o h2o.mlz
  mlctl score h2o.mlz new.csv -o scored.csv`,
		Args: cmdutil.ExactArgs(1, "model import needs the model file to convert"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Path = args[0]
			if _, ok := importers[opts.From]; !ok {
				if opts.From == "" {
					return cmdutil.UsageErrorf("model import needs --from: one of %s", strings.Join(Formats, ", "))
				}
				return cmdutil.UsageErrorf("--from %q: the formats are %s", opts.From, strings.Join(Formats, ", "))
			}
			if strings.TrimSpace(opts.Out) == "" {
				return cmdutil.UsageErrorf("model import needs -o FILE.mlz")
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.From, "from", "", "format of MODEL_FILE: "+strings.Join(Formats, ", ")+" (required)")
	fl.StringVarP(&opts.Out, "out", "o", "", "artifact to write: a local path or an hdfs:// URL (required)")
	fl.StringVar(&opts.Name, "name", "", "model id recorded in the artifact (default: the file's base name)")
	fl.StringVar(&opts.SignKey, "sign-key", "", "sign with this ed25519 private key (PEM, from mlctl keygen)")
	fl.Var(&opts.Output, "format", "what to print: table, json or yaml")
	opts.Output = cmdutil.OutputTable
	_ = cmd.RegisterFlagCompletionFunc("from", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return Formats, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// Run converts the model and writes the artifact.
func Run(opts *ImportOptions) error {
	ctx := opts.Ctx
	key, err := artifactio.LoadPrivateKey(opts.SignKey)
	if err != nil {
		return err
	}
	b, err := artifactio.ReadFile(ctx, opts.HDFS, opts.Path)
	if err != nil {
		return err
	}
	a, err := Convert(opts.From, filepath.Base(opts.Path), b, opts.Now())
	if err != nil {
		return err
	}
	if opts.Name != "" {
		a.Manifest.ModelID = opts.Name
	}
	a.Manifest.Lineage.MlctlVersion = opts.Version
	if opts.Identity != nil {
		a.Manifest.Lineage.Principal, a.Manifest.Lineage.User = opts.Identity(ctx)
	}
	w, err := artifactio.Write(ctx, opts.HDFS, opts.Out, a, key)
	if err != nil {
		return fmt.Errorf("importing %s: %w", opts.Path, err)
	}
	return w.Print(opts.IO, opts.Output)
}

// Convert reads a model file of format from into an artifact (unsigned,
// not yet written). A model the importer refuses is a usage error (exit
// 2) naming the reason.
func Convert(from, file string, b []byte, now time.Time) (*scoring.Artifact, error) {
	imp, ok := importers[from]
	if !ok {
		return nil, cmdutil.UsageErrorf("unknown import format %q: the formats are %s", from, strings.Join(Formats, ", "))
	}
	m, info, err := imp(b)
	if err != nil {
		return nil, errs.New(errs.Usage, fmt.Errorf("%s: %w", file, err), hintFor(from))
	}
	params, err := json.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("%s: describing the model: %w", file, err)
	}
	sum := sha256.Sum256(b)
	id := strings.TrimSuffix(file, filepath.Ext(file))
	created := now.UTC().Format(time.RFC3339)
	return &scoring.Artifact{Model: m, Manifest: scoring.Manifest{
		ModelID: id, Params: params, Created: created,
		Source:  &scoring.Source{Format: from, File: file, SHA256: hex.EncodeToString(sum[:])},
		Lineage: scoring.Lineage{Exported: created},
	}}, nil
}

func hintFor(from string) string {
	switch from {
	case "lightgbm":
		return "give the text model LightGBM's Booster.save_model writes"
	case "xgboost":
		return `give the JSON model XGBoost's Booster.save_model("model.json") writes`
	}
	return "give the MOJO zip H2O-3's download_mojo writes, of a GBM or GLM"
}
