package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/mlctl/mlctl/internal/cli/root"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
)

// Set with -ldflags "-X main.version=... -X main.commit=..." (see Makefile).
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	os.Exit(run())
}

// run executes mlctl with os.Args and returns the exit code.
func run() int {
	f := newFactory(cmdutil.BuildInfo{Version: version, Commit: commit, GoVersion: runtime.Version()})
	wired = f
	rootCmd := root.NewCmdRoot(f, extraCommands(f)...)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd, err := rootCmd.ExecuteContextC(ctx)
	if err == nil {
		return errs.OK
	}
	err = cmdutil.WithUsageHint(cmd, err)
	stderr := f.IOStreams.ErrOut
	code := errs.Code(err)
	interrupted := ctx.Err() != nil && (errors.Is(err, context.Canceled) || code == errs.Timeout || code == errs.Interrupted)
	if interrupted && code != errs.Interrupted {
		// Ctrl-C or SIGTERM: its own outcome (exit 130, as shells expect),
		// not a timeout.
		fmt.Fprintln(stderr, "mlctl: interrupted")
		code = errs.Interrupted
	} else {
		fmt.Fprintf(stderr, "mlctl: %s\n", err)
	}
	if f.Verbose {
		if cause := cmdutil.Cause(err); cause.Error() != err.Error() {
			fmt.Fprintf(stderr, "cause: %s\n", cause)
		}
	}
	if h := errs.Hint(err); h != "" {
		fmt.Fprintf(stderr, "hint: %s\n", h)
	}
	return code
}
