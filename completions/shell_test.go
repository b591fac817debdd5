package completions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	buildErr  error
)

// buildMlctl builds cmd/mlctl once for the tests and returns its path.
func buildMlctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(testDir, "bin", "mlctl")
	buildOnce.Do(func() {
		gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
		if out, err := exec.Command(gobin, "build", "-o", bin, "github.com/mlctl/mlctl/cmd/mlctl").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bin
}

// bashComplete runs the committed bash script in a real bash against the
// mlctl on PATH, as bash would on TAB after line, and returns COMPREPLY.
// bash-completion's _get_comp_words_by_ref is replaced by a minimal one (no
// word splitting on = and :), so the test needs bash only.
func bashComplete(t *testing.T, env []string, words ...string) []string {
	t.Helper()
	script, err := filepath.Abs("mlctl.bash")
	if err != nil {
		t.Fatal(err)
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	prog := `
_get_comp_words_by_ref() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
source "$1"
COMP_WORDS=(` + strings.Join(quoted, " ") + `)
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
__start_mlctl 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"
`
	ctx, cancel := context.WithTimeout(context.Background(), outerOK)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", prog, "bash", script)
	cmd.Env = env
	out, err := cmd.Output()
	if ctx.Err() != nil {
		t.Fatalf("bash completion of %q did not return within %s", words, outerOK)
	}
	if err != nil {
		t.Fatalf("bash completion of %q: %v", words, err)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if l != "" {
			got = append(got, strings.TrimSpace(l))
		}
	}
	return got
}

// TestBashScript: the committed script, a real bash and a freshly built
// mlctl complete commands, a real local cluster's name, and nothing, in
// time, from that cluster once its leader is frozen (SIGSTOP: the port
// still accepts connections but nothing answers, the worst kind of dead).
func TestBashScript(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	bin := buildMlctl(t)
	dir := t.TempDir()
	env := []string{"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + dir,
		"MLCTL_HOME=" + filepath.Join(dir, "home"), "MLCTL_CONFIG=" + filepath.Join(dir, "none.yaml"),
		"MLCTL_SYSTEM_CONFIG=" + filepath.Join(dir, "none.yaml"), "MLCTL_POLICY="}
	mlctl := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("mlctl %s: %v", strings.Join(args, " "), err)
		}
		return string(out)
	}

	if got := bashComplete(t, env, "mlctl", "completion", ""); strings.Join(got, " ") != "bash zsh fish powershell" {
		t.Errorf("mlctl completion <TAB>: %q", got)
	}
	if got := bashComplete(t, env, "mlctl", "cluster", "sta"); len(got) != 2 || !strings.HasPrefix(got[0], "start") || !strings.HasPrefix(got[1], "status") {
		t.Errorf("mlctl cluster sta<TAB>: %q", got)
	}

	mlctl("cluster", "launch", "h6-bash", "--memory", "256m", "--wait")
	t.Cleanup(func() {
		cmd := exec.Command(bin, "cluster", "delete", "h6-bash")
		cmd.Env = env
		_ = cmd.Run()
	})
	mlctl("frame", "import", "--cluster", "h6-bash", filepath.Join("..", "examples", "data", "airline-sample.csv"), "--name", "air")
	if got := bashComplete(t, env, "mlctl", "cluster", "status", "h6"); len(got) != 1 || got[0] != "h6-bash" {
		t.Errorf("mlctl cluster status h6<TAB>: %q", got)
	}
	if got := bashComplete(t, env, "mlctl", "frame", "summary", "--cluster", "h6-bash", ""); len(got) != 1 || got[0] != "air" {
		t.Errorf("mlctl frame summary --cluster h6-bash <TAB>: %q", got)
	}

	var st struct {
		Record struct {
			PIDs []int `json:"pids"`
		} `json:"record"`
	}
	if err := json.Unmarshal([]byte(mlctl("cluster", "status", "h6-bash", "-o", "json")), &st); err != nil || len(st.Record.PIDs) == 0 {
		t.Fatalf("the cluster's node processes: %v %+v", err, st)
	}
	for _, pid := range st.Record.PIDs {
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
	}
	start := time.Now()
	if got := bashComplete(t, env, "mlctl", "frame", "summary", "--cluster", "h6-bash", ""); got != nil {
		t.Errorf("frozen leader: %q, want nothing", got)
	}
	t.Logf("completion with a frozen leader returned after %s", time.Since(start).Round(time.Millisecond))
	for _, pid := range st.Record.PIDs {
		_ = syscall.Kill(pid, syscall.SIGCONT)
	}
	mlctl("cluster", "stop", "h6-bash")
}
