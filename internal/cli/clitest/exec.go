package clitest

import (
	"context"
	"fmt"
	"io"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// Exec runs cmd with args the way the root command would: silenced, with
// the usage-coded flag error function, and returns its error.
func Exec(cmd *cobra.Command, args ...string) error {
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	cmd.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	_, err := cmd.ExecuteContextC(context.Background())
	return err
}

// Out returns what was written to the stdout buffer of test streams.
func Out(ios *iostreams.IOStreams) string { return ios.Out.(fmt.Stringer).String() }

// ErrOut returns what was written to the stderr buffer of test streams.
func ErrOut(ios *iostreams.IOStreams) string { return ios.ErrOut.(fmt.Stringer).String() }
