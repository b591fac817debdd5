package verify

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/internal/cli/model/artifactio"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// VerifyOptions configures `model verify`.
type VerifyOptions struct {
	IO   *iostreams.IOStreams
	HDFS func(ctx context.Context) (cmdutil.HDFS, error)
	Ctx  context.Context

	Path   string
	Key    string
	Output cmdutil.OutputFormat
}

// Result is what verify prints with --output json|yaml.
type Result struct {
	File     string `json:"file"`
	OK       bool   `json:"ok"`
	Entries  int    `json:"entries"`
	Signed   bool   `json:"signed"`
	KeyID    string `json:"key_id,omitempty"`
	Verified bool   `json:"signature_verified"`
}

// NewCmdVerify returns the `model verify` command.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IOStreams, HDFS: f.HDFS}
	cmd := &cobra.Command{
		Use:   "verify FILE.mlz [--key signing.pub]",
		Short: "Check an artifact's checksums and signature",
		Long: `Check that a scoring artifact is whole and unchanged: its format version is one
this mlctl reads, every entry matches the SHA-256 its manifest records, no
entry was added, and the model in it is consistent. With --key, the
artifact must also carry an ed25519 signature by that key over its
manifest (which holds the checksums, so the signature covers every entry).

Exit 0 when all of that holds; 7 when anything does not, with the entry
that failed; 6 when the file does not exist.`,
		Example: `  mlctl model verify delay.mlz
  mlctl model verify delay.mlz --key ~/.mlctl/signing.pub
  mlctl model verify hdfs:///user/me/models/delay.mlz --key signing.pub`,
		Args: cmdutil.ExactArgs(1, "model verify needs the artifact's path"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Path = args[0]
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Key, "key", "", "require a signature by this ed25519 public key (PEM, from mlctl keygen)")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run checks the artifact.
func Run(opts *VerifyOptions) error {
	pub, err := artifactio.LoadPublicKey(opts.Key)
	if err != nil {
		return err
	}
	a, err := artifactio.Open(opts.Ctx, opts.HDFS, opts.Path, pub)
	if err != nil {
		return err
	}
	r := Result{File: opts.Path, OK: true, Entries: len(a.Manifest.Entries), Signed: a.Signature != nil, Verified: a.Verified}
	if a.Signature != nil {
		r.KeyID = a.Signature.KeyID
	}
	if opts.Output.IsData() {
		return cmdutil.WriteData(opts.IO.Out, opts.Output, r)
	}
	sig := "unsigned"
	switch {
	case r.Verified:
		sig = "signature by key " + r.KeyID + " verified"
	case r.Signed:
		sig = "signed by key " + r.KeyID + ", signature not checked (give --key)"
	}
	cs := opts.IO.ColorScheme()
	entries := fmt.Sprintf("%d entries match their", r.Entries)
	if r.Entries == 1 {
		entries = "1 entry matches its"
	}
	_, err = fmt.Fprintf(opts.IO.Out, "%s %s: the manifest's %s SHA-256; %s\n", cs.Green("ok"), opts.Path, entries, sig)
	return err
}
