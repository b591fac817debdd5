package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mlctl/mlctl/launcher"
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
			// testscript puts its mlctl on PATH first; the local backend's
			// nodes must run that one, not the test binary by its own name.
			bin := strings.SplitN(env.Getenv("PATH"), string(os.PathListSeparator), 2)[0]
			env.Setenv("MLCTL_ENGINE_BINARY", filepath.Join(bin, "mlctl"))
			env.Setenv("EXAMPLES", filepath.Join(repoRoot(), "examples", "data"))
			// A script that fails half-way must not leave node processes.
			home := env.WorkDir + "/home"
			env.Defer(func() {
				l := launcher.NewLocal(home, "")
				recs, _ := l.List(context.Background())
				for _, r := range recs {
					l.Delete(context.Background(), r.Name)
				}
			})
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

// repoRoot is the repository's top directory, from this file's place.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
