package keygen

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/scoring"
	"github.com/spf13/cobra"
)

// KeygenOptions configures `keygen`.
type KeygenOptions struct {
	IO     *iostreams.IOStreams
	Prefix string
	Force  bool
}

// NewCmdKeygen returns the `keygen` command.
func NewCmdKeygen(f *cmdutil.Factory, runF func(*KeygenOptions) error) *cobra.Command {
	opts := &KeygenOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "keygen -o PREFIX",
		Short: "Make an ed25519 key pair for signing model artifacts",
		Long: `Make an ed25519 key pair: PREFIX.key (the private key, mode 0600, for
mlctl model export --sign-key) and PREFIX.pub (the public key, for
mlctl model verify --key, to hand to whoever deploys your models). Both are
PEM files in the standard encodings (PKCS #8 and PKIX), so openssl reads
them too. Existing files are not overwritten unless --force.`,
		Example: `  mlctl keygen -o ~/.mlctl/signing
  mlctl model export -c demo gbm-1 -o m.mlz --sign-key ~/.mlctl/signing.key
  mlctl model verify m.mlz --key ~/.mlctl/signing.pub`,
		Args: cmdutil.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if opts.Prefix == "" {
				return cmdutil.UsageErrorf("keygen needs -o PREFIX (it writes PREFIX.key and PREFIX.pub)")
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Prefix, "out", "o", "", "write PREFIX.key and PREFIX.pub (required)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite existing key files")
	return cmd
}

// Run makes and writes the pair.
func Run(opts *KeygenOptions) error {
	privPath, pubPath := opts.Prefix+".key", opts.Prefix+".pub"
	if !opts.Force {
		for _, p := range []string{privPath, pubPath} {
			if _, err := os.Stat(p); err == nil {
				return cmdutil.UsageErrorf("%s exists; give --force to replace it (artifacts signed with the old key then no longer verify with the new one)", p)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return err
	}
	privPEM, pubPEM, err := scoring.MarshalKeys(priv)
	if err != nil {
		return err
	}
	if dir := filepath.Dir(opts.Prefix); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	if err := scoring.WriteFileAtomic(privPath, privPEM, 0o600); err != nil {
		return err
	}
	if err := scoring.WriteFileAtomic(pubPath, pubPEM, 0o644); err != nil {
		os.Remove(privPath)
		return err
	}
	if !opts.IO.IsStdoutTTY() {
		_, err = fmt.Fprintf(opts.IO.Out, "%s\t%s\t%s\n", privPath, pubPath, scoring.KeyID(pub))
		return err
	}
	_, err = fmt.Fprintf(opts.IO.Out, "Wrote %s (private, mode 0600) and %s (public)\nkey id %s\n", privPath, pubPath, scoring.KeyID(pub))
	return err
}
