package examples_test

// The cron and CI examples run here on the local backend with a freshly
// built mlctl, as a user would run them; the CI snippets are parsed and
// must call the very script these tests run.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The example scripts, relative to this directory.
const (
	cronScript = "cron/nightly-train.sh"
	ciScript   = "ci/train-and-score.sh"
)

// mlctlBin is the mlctl built for these tests (TestMain).
var mlctlBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "mlctl-examples-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	mlctlBin = filepath.Join(dir, "mlctl")
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(gobin, "build", "-o", mlctlBin, "github.com/mlctl/mlctl/cmd/mlctl")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building mlctl for the example scripts: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// run is one run of an example script.
type run struct {
	code           int
	stdout, stderr string
}

// sandbox is a user's environment on a gateway with nothing set up: an
// empty home and MLCTL_HOME, no cluster chosen, no policy, no Hadoop.
type sandbox struct {
	t    *testing.T
	dir  string
	env  map[string]string
	home string // MLCTL_HOME
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	dir := t.TempDir()
	s := &sandbox{t: t, dir: dir, home: filepath.Join(dir, "mlctl-home")}
	s.env = map[string]string{
		"PATH":            os.Getenv("PATH"),
		"HOME":            filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME": filepath.Join(dir, "home", ".config"),
		"TMPDIR":          os.TempDir(),
		"MLCTL_HOME":      s.home,
		"MLCTL":           mlctlBin,
		"MEMORY":          "256m",
		"NTREES":          "3",
		"MLCTL_POLICY":    "",
	}
	for _, d := range []string{s.env["HOME"], s.home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// A script that fails half-way must not leave engine nodes running.
	t.Cleanup(func() {
		for _, name := range s.clusters() {
			s.mlctl("cluster", "delete", name)
		}
	})
	return s
}

func (s *sandbox) environ() []string {
	var out []string
	for k, v := range s.env {
		out = append(out, k+"="+v)
	}
	return out
}

// script runs an example script (a path relative to examples/) in dir.
func (s *sandbox) script(path, dir string) run {
	s.t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command("bash", abs)
	cmd.Dir = dir
	cmd.Env = s.environ()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	r := run{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		s.t.Fatalf("%s: %v", path, err)
	}
	return r
}

// mlctl runs the built mlctl in the sandbox and returns its stdout.
func (s *sandbox) mlctl(args ...string) (string, error) {
	cmd := exec.Command(mlctlBin, args...)
	cmd.Env = s.environ()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("mlctl %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// clusters lists the sandbox's clusters as NAME STATE.
func (s *sandbox) clusters() []string {
	out, err := s.mlctl("cluster", "list")
	if err != nil {
		s.t.Errorf("cluster list: %v", err)
		return nil
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		f := strings.Split(line, "\t")
		names = append(names, f[0])
	}
	return names
}

func (s *sandbox) clusterState(name string) string {
	out, err := s.mlctl("cluster", "list")
	if err != nil {
		s.t.Fatalf("cluster list: %v", err)
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Split(line, "\t"); len(f) > 2 && f[0] == name {
			return f[2]
		}
	}
	return ""
}

func (r run) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// inspect is what mlctl model inspect says of an artifact.
func inspect(t *testing.T, s *sandbox, artifact string) map[string]any {
	t.Helper()
	out, err := s.mlctl("model", "inspect", artifact, "--output", "json")
	if err != nil {
		t.Fatalf("the exported artifact does not inspect: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("model inspect -o json: %v\n%s", err, out)
	}
	return m
}
