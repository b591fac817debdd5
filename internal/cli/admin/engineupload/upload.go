package engineupload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// DefaultDir is where engine builds go when neither the policy nor --path
// names a place: DefaultDir/VERSION/mlctl.
const DefaultDir = "hdfs:///apps/mlctl/engines"

// UploadOptions configures `admin engine upload`.
type UploadOptions struct {
	IO         *iostreams.IOStreams
	Gate       *enforce.Gate
	HDFS       func(ctx context.Context) (cmdutil.HDFS, error)
	Executable func() (string, error)
	Ctx        context.Context

	Version string
	Binary  string // "" = this mlctl
	Path    string // "" = the policy's path for Version, else DefaultDir/VERSION/mlctl
	Force   bool
}

// NewCmdUpload returns the `admin engine upload` command.
func NewCmdUpload(f *cmdutil.Factory, runF func(*UploadOptions) error) *cobra.Command {
	opts := &UploadOptions{IO: f.IOStreams, Gate: enforce.FromFactory(f), HDFS: f.HDFS, Executable: f.Executable}
	cmd := &cobra.Command{
		Use:   "upload VERSION",
		Short: "Stage an engine build on HDFS and print its checksum",
		Long: `Copy an engine build (default: this mlctl binary) to HDFS, where YARN
clusters of that engine version run it from: the path the policy gives the
version, else --path, else ` + DefaultDir + `/VERSION/mlctl. The copy is
written under a temporary name and renamed into place, so a launch never reads
half a binary. Then the SHA-256 is printed with the YAML to paste under
engines.versions in the policy.

A different build already at the path is not replaced without --force: the
policy's checksum for it would stop matching, and launches of that version
would be refused.`,
		Example: `  mlctl admin engine upload 3.48
  mlctl admin engine upload 3.49-rc1 --binary ./dist/mlctl --path hdfs:///apps/mlctl/engines/3.49-rc1/mlctl`,
		Args: cmdutil.ExactArgs(1, "admin engine upload needs the VERSION name (e.g. 3.48)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Version = args[0]
			if strings.ContainsAny(opts.Version, "/ \t\n") || opts.Version == "" || opts.Version == "." || opts.Version == ".." {
				return cmdutil.UsageErrorf("engine version %q: use letters, digits, '.', '-' and '_' (it becomes a directory name)", opts.Version)
			}
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Binary, "binary", "", "the build to upload (default: this mlctl)")
	cmd.Flags().StringVar(&opts.Path, "path", "", "where on HDFS (default: the policy's path for VERSION, else "+DefaultDir+"/VERSION/mlctl)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace a different build already at the path")
	return cmd
}

// Run uploads.
func Run(opts *UploadOptions) error {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	pol, _, err := opts.Gate.RequireAdmin(ctx, "mlctl admin engine upload")
	if err != nil {
		return err
	}
	dest := opts.Path
	if dest == "" {
		for _, e := range pol.Engines.Versions {
			if e.Name == opts.Version {
				dest = e.Path
			}
		}
	}
	if dest == "" {
		dest = DefaultDir + "/" + opts.Version + "/mlctl"
	}
	bin := opts.Binary
	if bin == "" {
		if bin, err = opts.Executable(); err != nil {
			return fmt.Errorf("finding this mlctl: %w", err)
		}
	}
	sum, size, err := fileSum(bin)
	if err != nil {
		return errs.New(errs.Usage, err, "give the engine build with --binary FILE")
	}
	h, err := opts.HDFS(ctx)
	if err != nil {
		return err
	}
	p, err := enforce.HDFSPath(h, dest)
	if err != nil {
		return err
	}
	if st, err := h.Stat(ctx, p); err == nil {
		there, err := hdfsSum(ctx, h, p)
		if err != nil {
			return err
		}
		if there == sum {
			fmt.Fprintf(opts.IO.ErrOut, "%s already holds this build (%d bytes); nothing copied\n", dest, st.Length)
			return snippet(opts.IO, opts.Version, dest, sum)
		}
		if !opts.Force {
			return errs.New(errs.Error, fmt.Errorf("%s already holds a different build (SHA-256 %s)", dest, there),
				"use --force to replace it (launches pinned to the old checksum will be refused), or another --path")
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp := fmt.Sprintf("%s/.%s.upload-%d", path.Dir(p), path.Base(p), time.Now().UnixNano())
	fmt.Fprintf(opts.IO.ErrOut, "uploading %s (%s) to %s\n", bin, cmdutil.HumanBytes(size), dest)
	open := func() io.Reader {
		f, err := os.Open(bin)
		if err != nil {
			return errReader{err}
		}
		return closingReader{f}
	}
	if err := h.Create(ctx, tmp, open, 0o755, true); err != nil {
		return fmt.Errorf("uploading to %s: %w", tmp, err)
	}
	// What landed is checked before it takes the real name.
	got, err := hdfsSum(ctx, h, tmp)
	if err == nil && got != sum {
		err = fmt.Errorf("the copy on HDFS has SHA-256 %s, the file %s", got, sum)
	}
	if err == nil {
		if derr := h.Delete(ctx, p, false); derr != nil && !errors.Is(derr, fs.ErrNotExist) {
			err = derr
		}
	}
	if err == nil {
		err = h.Rename(ctx, tmp, p)
	}
	if err != nil {
		h.Delete(context.Background(), tmp, false)
		return errs.New(errs.Integrity, fmt.Errorf("upload to %s failed: %w", dest, err), "nothing was replaced; try again")
	}
	return snippet(opts.IO, opts.Version, dest, sum)
}

func snippet(ios *iostreams.IOStreams, version, dest, sum string) error {
	fmt.Fprintf(ios.ErrOut, "sha256 %s\npaste under engines.versions in the policy:\n", sum)
	_, err := fmt.Fprintf(ios.Out, "    - name: %q\n      path: %s\n      sha256: %s\n", version, dest, sum)
	return err
}

func fileSum(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("reading %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func hdfsSum(ctx context.Context, h cmdutil.HDFS, p string) (string, error) {
	rc, err := h.Open(ctx, p, 0, -1)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	s := sha256.New()
	if _, err := io.Copy(s, rc); err != nil {
		return "", fmt.Errorf("reading %s: %w", p, err)
	}
	return hex.EncodeToString(s.Sum(nil)), nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// closingReader closes the file once it has been read to the end.
type closingReader struct{ f *os.File }

func (c closingReader) Read(p []byte) (int, error) {
	n, err := c.f.Read(p)
	if err != nil {
		c.f.Close()
	}
	return n, err
}
