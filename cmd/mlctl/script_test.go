package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
			// Config files inside the script's directory only: never the
			// machine's /etc/mlctl/config.yaml.
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/xdg")
			env.Setenv("MLCTL_SYSTEM_CONFIG", env.WorkDir+"/etc/mlctl/config.yaml")
			// testscript puts its mlctl on PATH first; the local backend's
			// nodes must run that one, not the test binary by its own name.
			bin := strings.SplitN(env.Getenv("PATH"), string(os.PathListSeparator), 2)[0]
			env.Setenv("MLCTL_ENGINE_BINARY", filepath.Join(bin, "mlctl"))
			env.Setenv("EXAMPLES", filepath.Join(repoRoot(), "examples", "data"))
			// Scripts that need the secure test cluster find it here
			// (make test starts one; see internal/testcluster).
			if dir := os.Getenv("MLCTL_TESTCLUSTER"); dir != "" {
				var tc struct {
					ConfDir       string `json:"conf_dir"`
					Krb5Conf      string `json:"krb5_conf"`
					UserKeytab    string `json:"user_keytab"`
					UserPrincipal string `json:"user_principal"`
					User          string `json:"user"`
					CAPEM         string `json:"ca_pem"`
				}
				raw, err := os.ReadFile(filepath.Join(dir, "cluster.json"))
				if err != nil {
					return err
				}
				if err := json.Unmarshal(raw, &tc); err != nil {
					return err
				}
				env.Setenv("TESTCLUSTER", dir)
				env.Setenv("HADOOP_CONF_DIR", tc.ConfDir)
				env.Setenv("KRB5_CONFIG", tc.Krb5Conf)
				env.Setenv("TC_KEYTAB", tc.UserKeytab)
				env.Setenv("TC_PRINCIPAL", tc.UserPrincipal)
				env.Setenv("TC_USER", tc.User)
				env.Setenv("MLCTL_HDFS_CA", tc.CAPEM)
			}
			// A script that fails half-way must not leave node processes.
			home := env.WorkDir + "/home"
			env.Defer(func() {
				r := &launcher.Router{Local: launcher.NewLocal(home, ""), YARN: launcher.NewYARN(home, "")}
				recs, _ := r.List(context.Background())
				for _, rec := range recs {
					r.Delete(context.Background(), rec.Name)
				}
			})
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "testcluster" {
				return os.Getenv("MLCTL_TESTCLUSTER") != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
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
