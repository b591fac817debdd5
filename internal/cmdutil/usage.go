package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mlctl/mlctl/internal/errs"
	"github.com/spf13/cobra"
)

// UsageErrorf returns an error with exit code 2 (usage). Use it for anything
// the user typed wrong: a bad flag value, a missing argument.
func UsageErrorf(format string, a ...any) error {
	return errs.New(errs.Usage, fmt.Errorf(format, a...), "")
}

// UsageError gives err exit code 2.
func UsageError(err error) error { return errs.New(errs.Usage, err, "") }

// FlagErrorFunc is installed on the root command so that cobra's own flag
// errors (unknown flag, bad value) exit with code 2.
func FlagErrorFunc(_ *cobra.Command, err error) error {
	return UsageError(err)
}

// WithUsageHint adds "see 'mlctl ... --help'" to a usage error that has no
// hint yet; main calls it with the command that failed.
func WithUsageHint(cmd *cobra.Command, err error) error {
	if err == nil || cmd == nil || errs.Code(err) != errs.Usage || errs.Hint(err) != "" {
		return err
	}
	return errs.New(errs.Usage, err, fmt.Sprintf("see '%s --help'", cmd.CommandPath()))
}

// NoArgs rejects positional arguments.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return UsageErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// ExactArgs wants exactly n arguments; missing is the message for too few
// (e.g. "cluster NAME is required").
func ExactArgs(n int, missing string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return UsageError(errors.New(missing))
		}
		if len(args) > n {
			return UsageErrorf("too many arguments: %s takes %d, got %d (%s)",
				cmd.CommandPath(), n, len(args), strings.Join(args[n:], " "))
		}
		return nil
	}
}

// MinimumArgs wants at least n arguments.
func MinimumArgs(n int, missing string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) < n {
			return UsageError(errors.New(missing))
		}
		return nil
	}
}

// RangeArgs wants between lo and hi arguments.
func RangeArgs(lo, hi int, missing string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo {
			return UsageError(errors.New(missing))
		}
		if len(args) > hi {
			return UsageErrorf("too many arguments: %s takes at most %d, got %d",
				cmd.CommandPath(), hi, len(args))
		}
		return nil
	}
}

// MakeGroup turns cmd into a command group (like `mlctl cluster`): run bare,
// it prints its help; run with an unknown subcommand, it fails with a usage
// error and cobra's "did you mean" suggestions.
func MakeGroup(cmd *cobra.Command) {
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
		if c.SuggestionsMinimumDistance <= 0 {
			c.SuggestionsMinimumDistance = 2
		}
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			msg += fmt.Sprintf(" (did you mean %q?)", s[0])
		}
		return UsageError(errors.New(msg))
	}
	cmd.RunE = func(c *cobra.Command, _ []string) error {
		return c.Help()
	}
}
