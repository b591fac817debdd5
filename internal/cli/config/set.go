package config

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/config"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/internal/krb"
)

// SetOptions configures `config set` and `config unset`.
type SetOptions struct {
	IO      *iostreams.IOStreams
	Sources func() config.Sources
	Ctx     context.Context

	Key, Value string
	System     bool
}

// path is the file the command edits, with the modes it writes.
func (o *SetOptions) path() (string, os.FileMode, os.FileMode) {
	src := o.Sources()
	if o.System {
		return src.System, config.SystemFileMode, config.SystemDirMode
	}
	return src.User, config.UserFileMode, config.UserDirMode
}

// NewCmdSet returns `config set KEY VALUE`.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{IO: f.IOStreams, Sources: sources(f)}
	cmd := &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Save a setting in your config file",
		Long: `Save a setting in your config file (mlctl config path shows where), or with
--system in the gateway's system file (that needs write access to /etc/mlctl).

The value is checked as the flag would check it. The file is edited, not
regenerated: comments, the order of keys and the other settings stay as they
are (blank lines between settings may go), and a broken value of this key
(wrong type, refused value) is replaced.
A file that is not YAML at all is refused; fix it in an editor. The new file
is written under a temporary name and renamed over the old one, so a failure
never leaves half a file; your file is made readable by you only (0600), the
system file by everyone (0644). Paths (keytab) are saved absolute.`,
		Example: `  mlctl config set cluster demo
  mlctl config set backend yarn
  mlctl config set keytab ~/alice.keytab
  sudo mlctl config set --system queue analytics`,
		Args:              cmdutil.ExactArgs(2, "config set needs a KEY and a VALUE, e.g. mlctl config set cluster demo"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key, opts.Value, opts.Ctx = args[0], args[1], cmd.Context()
			if _, err := lookupKey(opts.Key); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return RunSet(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.System, "system", false, "write the system file (gateway-wide defaults) instead of yours")
	return cmd
}

// RunSet writes the setting.
func RunSet(opts *SetOptions) error {
	path, fileMode, dirMode := opts.path()
	if err := config.Set(path, opts.Key, opts.Value, fileMode, dirMode); err != nil {
		return err
	}
	k, _ := config.Lookup(opts.Key)
	if opts.IO.IsStderrTTY() {
		fmt.Fprintf(opts.IO.ErrOut, "set %s in %s\n", opts.Key, path)
	}
	if k.Name == "keytab" {
		// Say now what a login would refuse later.
		f, _ := config.ReadFile(path)
		if kt := f.Values["keytab"]; kt != "" {
			if _, err := os.Stat(kt); err != nil {
				fmt.Fprintf(opts.IO.ErrOut, "warning: %v\n", err)
			} else if err := krb.CheckKeytabFile(kt); err != nil {
				fmt.Fprintf(opts.IO.ErrOut, "warning: %v (hint: %s)\n", err, errs.Hint(err))
			}
		}
	}
	if v := os.Getenv(k.Env()); v != "" {
		fmt.Fprintf(opts.IO.ErrOut, "note: %s=%s is set and overrides the file\n", k.Env(), v)
	}
	return warnProblems(opts.IO, path)
}

// warnProblems reports what is still wrong in the edited file.
func warnProblems(ios *iostreams.IOStreams, path string) error {
	f, err := config.ReadFile(path)
	if err != nil {
		return err
	}
	if f.Problems != nil {
		fmt.Fprintf(ios.ErrOut, "warning: %s still has problems:\n%s\n", path, f.Problems)
	}
	return nil
}

// NewCmdUnset returns `config unset KEY`.
func NewCmdUnset(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{IO: f.IOStreams, Sources: sources(f)}
	cmd := &cobra.Command{
		Use:   "unset KEY",
		Short: "Remove a setting from your config file",
		Long: `Remove a setting from your config file (or, with --system, from the system
file), keeping the rest of the file and its comments. Any key can be
removed, a mistyped one too, which is how you repair a file mlctl refuses.
Removing a key that is not there does nothing.`,
		Example: `  mlctl config unset queue
  mlctl config unset clustr     # a typo that made every command fail`,
		Args:              cmdutil.ExactArgs(1, "config unset needs a KEY, e.g. mlctl config unset cluster"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key, opts.Ctx = args[0], cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return RunUnset(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.System, "system", false, "edit the system file instead of yours")
	return cmd
}

// RunUnset removes the setting.
func RunUnset(opts *SetOptions) error {
	path, fileMode, dirMode := opts.path()
	removed, err := config.Unset(path, opts.Key, fileMode, dirMode)
	if err != nil {
		return err
	}
	if !removed {
		if _, ok := config.Lookup(opts.Key); !ok {
			_, err := lookupKey(opts.Key)
			return err
		}
		if opts.IO.IsStderrTTY() {
			fmt.Fprintf(opts.IO.ErrOut, "%s was not set in %s\n", opts.Key, path)
		}
		return nil
	}
	if opts.IO.IsStderrTTY() {
		fmt.Fprintf(opts.IO.ErrOut, "removed %s from %s\n", opts.Key, path)
	}
	return warnProblems(opts.IO, path)
}
