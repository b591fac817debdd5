package main

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as mlctl: testscript runs scripts
// against this re-executed binary, the same main as the shipped one.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mlctl": func() { os.Exit(run()) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// Scripts start from a predictable terminal: piped, no colour
			// preference, no cluster chosen, an empty home.
			env.Setenv("MLCTL_FORCE_TTY", "")
			env.Setenv("MLCTL_CLUSTER", "")
			env.Setenv("NO_COLOR", "")
			env.Setenv("MLCTL_HOME", env.WorkDir+"/home")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": exitcode,
		},
	})
}

// exitcode N PROG ARGS... runs PROG like exec and fails unless it exits with
// status N. stdout and stderr can be checked afterwards as usual.
func exitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad code %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("exitcode: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}
