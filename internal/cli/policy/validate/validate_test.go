package validate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
)

const withEngine = `apiVersion: mlctl/v1
kind: Policy
backends:
  local:
    enabled: true
engines:
  versions:
    - name: "1.0"
      path: hdfs:///apps/mlctl/engines/1.0/mlctl
      sha256: 4c8b6b2d0e6d8f5b1c1f0e3a7d9b2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c
roles:
  standard:
    groups: ["*"]
profiles:
  - name: all
    groups: ["*"]
`

func write(t *testing.T, text string) string {
	p := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Without HDFS the engine checksums are skipped with a note, not failed.
func TestEnginesNotVerifiedWithoutHDFS(t *testing.T) {
	f, ios := clitest.Factory(nil, nil)
	f.HDFS = func(context.Context) (cmdutil.HDFS, error) { return nil, errors.New("HADOOP_CONF_DIR is not set") }
	p := write(t, withEngine)
	if err := clitest.Exec(NewCmdValidate(f, nil), p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(clitest.Out(ios), "is valid: 1 profiles, 1 engine versions") {
		t.Errorf("stdout %q", clitest.Out(ios))
	}
	if !strings.Contains(clitest.ErrOut(ios), "engine checksums not verified: HDFS is not reachable (HADOOP_CONF_DIR is not set)") {
		t.Errorf("stderr %q", clitest.ErrOut(ios))
	}
}

// Every problem is listed with its position, and the exit code is 2.
func TestProblems(t *testing.T) {
	f, ios := clitest.Factory(nil, nil)
	p := write(t, strings.Replace(withEngine, "groups: [\"*\"]\n", "groups: [\"*\"]\n    nodes: {min: 3, max: 1}\n    max_idle: soon\n", 2))
	err := clitest.Exec(NewCmdValidate(f, nil), p)
	if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), "is not valid") {
		t.Fatalf("got %v", err)
	}
	lines := strings.Split(strings.TrimSpace(clitest.ErrOut(ios)), "\n")
	if len(lines) < 2 {
		t.Fatalf("stderr %q", clitest.ErrOut(ios))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, p+":") {
			t.Errorf("problem without file:line:col: %q", l)
		}
	}
}

func TestMissingFile(t *testing.T) {
	f, _ := clitest.Factory(nil, nil)
	if err := clitest.Exec(NewCmdValidate(f, nil), "/nonexistent/policy.yaml"); errs.Code(err) != errs.Usage {
		t.Fatalf("got %v", err)
	}
}
