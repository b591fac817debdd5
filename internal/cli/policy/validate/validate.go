package validate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mlctl/mlctl/internal/cli/policy/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/profile"
	"github.com/spf13/cobra"
)

// ValidateOptions configures `policy validate`.
type ValidateOptions struct {
	IO   *iostreams.IOStreams
	HDFS func(ctx context.Context) (cmdutil.HDFS, error)
	Ctx  context.Context

	// File is the policy to check; "" = the one in force (PolicyFlag,
	// $MLCTL_POLICY, /etc/mlctl/policy.yaml, else the embedded default).
	File       string
	PolicyFlag string
	Insecure   bool
	// NoVerify skips reading the engine builds from HDFS.
	NoVerify bool
	// VerifyTimeout bounds the engine checksum reads.
	VerifyTimeout time.Duration
}

// NewCmdValidate returns the `policy validate` command.
func NewCmdValidate(f *cmdutil.Factory, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IOStreams, HDFS: f.HDFS}
	cmd := &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a policy file and list every problem",
		Long: `Check a policy file: YAML syntax, unknown keys, wrong types, bad units,
inverted or negative ranges, duplicate profiles, profiles nobody can reach,
queues and engine versions that do not exist. Every problem is listed as
FILE:LINE:COL with a hint, and the exit code is 2; a valid policy exits 0.

When HDFS is reachable (HADOOP_CONF_DIR and, on a secure cluster, a Kerberos
ticket), the engine builds the policy names are read and their SHA-256
checked; otherwise that check is skipped, with a note.

Without FILE, the policy in force is checked (--policy, $MLCTL_POLICY or
/etc/mlctl/policy.yaml), including its file permissions.`,
		Example: `  mlctl policy validate /etc/mlctl/policy.yaml
  mlctl policy validate draft.yaml --no-verify`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			opts.PolicyFlag, opts.Insecure = f.PolicyFile, f.InsecurePolicy
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoVerify, "no-verify", false, "do not read the engine builds from HDFS to check their checksums")
	cmd.Flags().DurationVar(&opts.VerifyTimeout, "verify-timeout", 2*time.Minute, "give up checking engine checksums after this long")
	return cmd
}

// Run checks the policy.
func Run(opts *ValidateOptions) error {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	path := opts.File
	inForce := path == ""
	if inForce {
		var err error
		if path, err = profile.Locate(opts.PolicyFlag); err != nil {
			return err
		}
	}
	var pol *profile.Policy
	if path == "" {
		pol = profile.Embedded()
	} else {
		p, err := shared.ReadFile(path)
		if err != nil {
			var ps profile.Problems
			if errors.As(err, &ps) {
				for _, p := range ps {
					fmt.Fprintln(opts.IO.ErrOut, p.String())
				}
				return errs.New(errs.Usage, fmt.Errorf("policy %s is not valid: %d problem(s)", path, len(ps)),
					"fix them and run mlctl policy validate "+path+" again")
			}
			return err
		}
		pol = p
		// The file's permissions matter once it is the policy in force.
		if err := profile.CheckFileSafety(path, pol.Roles.Admin.Users); err != nil {
			if inForce && !opts.Insecure {
				return err
			}
			fmt.Fprintf(opts.IO.ErrOut, "note: as the policy in force this file would be refused: %v\n", err)
		}
	}
	if err := verifyEngines(ctx, opts, pol); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "policy %s is valid: %d profiles, %d engine versions\n", shared.Describe(pol), len(pol.Profiles), len(pol.Engines.Versions))
	return nil
}

// verifyEngines checks the engine builds' checksums on HDFS, or says why
// it could not.
func verifyEngines(ctx context.Context, opts *ValidateOptions, pol *profile.Policy) error {
	if len(pol.Engines.Versions) == 0 {
		return nil
	}
	if opts.NoVerify {
		fmt.Fprintln(opts.IO.ErrOut, "note: engine checksums not verified (--no-verify)")
		return nil
	}
	if opts.VerifyTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.VerifyTimeout)
		defer cancel()
	}
	var h cmdutil.HDFS
	var err error
	if opts.HDFS == nil {
		err = errors.New("no HDFS client in this build")
	} else {
		h, err = opts.HDFS(ctx)
	}
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "note: engine checksums not verified: HDFS is not reachable (%v)\n", err)
		return nil
	}
	ps := pol.VerifyEngines(ctx, func(ctx context.Context, p string) (io.ReadCloser, error) {
		path, err := enforce.HDFSPath(h, p)
		if err != nil {
			return nil, err
		}
		return h.Open(ctx, path, 0, -1)
	})
	if len(ps) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "engine checksums verified: %d builds on HDFS match the policy\n", len(pol.Engines.Versions))
		return nil
	}
	for _, p := range ps {
		fmt.Fprintln(opts.IO.ErrOut, p.String())
	}
	return errs.New(errs.Usage, fmt.Errorf("policy %s is not valid: %d engine build(s) do not match", pol.Source, len(ps)),
		"upload the right build with mlctl admin engine upload VERSION, or correct the sha256 in the policy")
}
