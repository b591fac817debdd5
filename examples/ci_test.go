package examples_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// ciCall is how both CI snippets call the script, from the repository root.
const ciCall = "examples/" + ciScript

// TestCITrainAndScore: the CI script trains on a fresh cluster, exports the
// model, scores the input with it on the runner and cleans the cluster up.
func TestCITrainAndScore(t *testing.T) {
	s := newSandbox(t)
	s.env["CI_JOB_ID"] = "4242"
	r := s.script(ciScript, s.dir)
	if r.code != 0 {
		t.Fatalf("train-and-score.sh: %s", r)
	}
	checkCIOutputs(t, s, filepath.Join(s.dir, "mlctl-out"), r)
	if !strings.Contains(r.stderr, "launching ci-4242") {
		t.Errorf("the cluster is not named after the CI job:\n%s", r.stderr)
	}
	if left := s.clusters(); len(left) != 0 {
		t.Errorf("clusters left: %v", left)
	}
}

func checkCIOutputs(t *testing.T, s *sandbox, out string, r run) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, "model.mlz") {
		t.Errorf("the last line of stdout should be the artifact, got %q", last)
	}
	if m := inspect(t, s, filepath.Join(out, "model.mlz"))["manifest"].(map[string]any); m["model_id"] != "ci-gbm" {
		t.Errorf("artifact of model %v", m["model_id"])
	}
	pred, err := os.ReadFile(filepath.Join(out, "predictions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(pred)), "\n")
	if len(rows) != 5001 || rows[0] != "predict,p_0,p_1" {
		t.Errorf("predictions.csv: %d lines, header %q; want 5001 and predict,p_0,p_1", len(rows), rows[0])
	}
	var model struct {
		ModelID string `json:"model_id"`
		Valid   string `json:"valid"`
		Target  string `json:"target"`
	}
	data, err := os.ReadFile(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &model); err != nil || model.ModelID != "ci-gbm" || model.Valid != "hold" || model.Target != "IsDelayed" {
		t.Errorf("model.json: %+v %v", model, err)
	}
}

// TestCITrainAndScoreFails: a failing step ends the job with mlctl's exit
// code and a line naming the step, and the cluster is still cleaned up.
func TestCITrainAndScoreFails(t *testing.T) {
	s := newSandbox(t)
	s.env["CLUSTER"] = "h6-ci-fail"
	s.env["TARGET"] = "NoSuchColumn"
	r := s.script(ciScript, s.dir)
	if r.code != 1 || !strings.Contains(r.stderr, `no column "NoSuchColumn"`) || !strings.Contains(r.stderr, "mlctl train gbm failed (exit 1)") {
		t.Errorf("want exit 1 naming the column and the step: %s", r)
	}
	if left := s.clusters(); len(left) != 0 {
		t.Errorf("clusters left: %v", left)
	}
}

// fakeMlctl records each call's arguments, one line per call, and
// succeeds: the real mlctl on the local backend accepts --keytab and
// --principal but cannot show whether a script passed them.
func fakeMlctl(t *testing.T, s *sandbox) string {
	t.Helper()
	log := filepath.Join(s.dir, "calls")
	fake := filepath.Join(s.dir, "fake-mlctl")
	writeFile(t, fake, `#!/bin/sh
printf '%s\n' "$*" >> `+log+`
case "$1 $2" in "cluster list") printf 'NAME\tBACKEND\tSTATE\n' ;; esac
`, 0o755)
	s.env["MLCTL"] = fake
	return log
}

// TestScriptsPassTheKeytab: with KEYTAB_FILE and PRINCIPAL set, every
// mlctl call of both scripts logs in with them; without, none names them.
// (TestScriptsKerberosFailures sees the real mlctl refuse a bad keytab the
// scripts passed it; TestScriptsAcceptTheKeytab runs them with it.)
func TestScriptsPassTheKeytab(t *testing.T) {
	for _, script := range []string{cronScript, ciScript} {
		for _, withKeytab := range []bool{true, false} {
			s := newSandbox(t)
			calls := fakeMlctl(t, s)
			if withKeytab {
				s.env["KEYTAB_FILE"] = "/secrets/ml.keytab"
				s.env["PRINCIPAL"] = "ml-ci@EXAMPLE.COM"
			}
			if r := s.script(script, s.dir); r.code != 0 {
				t.Fatalf("%s with a fake mlctl: %s", script, r)
			}
			data, err := os.ReadFile(calls)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(data)), "\n")
			if len(lines) < 5 {
				t.Fatalf("%s called mlctl %d times: %q", script, len(lines), lines)
			}
			for _, l := range lines {
				has := strings.HasSuffix(l, " --keytab /secrets/ml.keytab --principal ml-ci@EXAMPLE.COM")
				if has != withKeytab || (!withKeytab && strings.Contains(l, "--keytab")) {
					t.Errorf("%s (keytab %v): mlctl %s", script, withKeytab, l)
				}
			}
		}
	}
}

// TestCISnippets parses both CI snippets: each writes the keytab readable
// only by its owner before it calls the script the tests above run, and
// gives it KEYTAB_FILE and PRINCIPAL. Their shell lines then run: the
// GitHub step that writes the keytab, and GitLab's whole job script on the
// local backend (a dummy keytab, no principal: no login flags).
func TestCISnippets(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ciCall)); err != nil {
		t.Fatalf("the snippets' script: %v", err)
	}

	t.Run("github", func(t *testing.T) {
		var wf struct {
			Jobs map[string]struct {
				Env   map[string]string `yaml:"env"`
				Steps []struct {
					Name string            `yaml:"name"`
					Uses string            `yaml:"uses"`
					Run  string            `yaml:"run"`
					Env  map[string]string `yaml:"env"`
				} `yaml:"steps"`
			} `yaml:"jobs"`
		}
		parseYAML(t, "ci/github-actions.yml", &wf)
		job, ok := wf.Jobs["train-and-score"]
		if !ok {
			t.Fatalf("no job train-and-score in %v", wf.Jobs)
		}
		if !strings.Contains(job.Env["PRINCIPAL"], "secrets.") {
			t.Errorf("PRINCIPAL should come from a secret: %q", job.Env["PRINCIPAL"])
		}
		keytab, call := -1, -1
		for i, st := range job.Steps {
			if strings.Contains(st.Run, `chmod 600 "$KEYTAB_FILE"`) && strings.Contains(st.Run, "GITHUB_ENV") {
				keytab = i
			}
			if strings.TrimSpace(st.Run) == ciCall {
				call = i
			}
		}
		if keytab < 0 || call < 0 || keytab > call {
			t.Fatalf("want a step writing the keytab (chmod 600, KEYTAB_FILE in $GITHUB_ENV) before one running %s: steps %d, %d", ciCall, keytab, call)
		}
		st := job.Steps[keytab]
		if !strings.Contains(st.Env["KEYTAB_B64"], "secrets.") {
			t.Errorf("the keytab should come from a secret: %q", st.Env["KEYTAB_B64"])
		}
		// Run the step as the runner would.
		tmp := t.TempDir()
		cmd := exec.Command("bash", "-e", "-c", st.Run)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "RUNNER_TEMP=" + tmp, "GITHUB_ENV=" + filepath.Join(tmp, "env"),
			"KEYTAB_B64=" + base64.StdEncoding.EncodeToString([]byte("not really a keytab"))}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the keytab step: %v\n%s", err, out)
		}
		kt := filepath.Join(tmp, "mlctl.keytab")
		fi, err := os.Stat(kt)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("keytab %s: %v %v, want mode 600", kt, fi, err)
		}
		if b, _ := os.ReadFile(kt); string(b) != "not really a keytab" {
			t.Errorf("keytab holds %q", b)
		}
		if env, _ := os.ReadFile(filepath.Join(tmp, "env")); string(env) != "KEYTAB_FILE="+kt+"\n" {
			t.Errorf("GITHUB_ENV: %q", env)
		}
	})

	t.Run("gitlab", func(t *testing.T) {
		var ci map[string]yaml.Node // jobs and keywords (stages) by name
		parseYAML(t, "ci/gitlab-ci.yml", &ci)
		node, ok := ci["train-and-score"]
		if !ok {
			t.Fatal("no job train-and-score")
		}
		var job struct {
			Script      []string `yaml:"script"`
			AfterScript []string `yaml:"after_script"`
		}
		if err := node.Decode(&job); err != nil {
			t.Fatal(err)
		}
		chmod := slices.Index(job.Script, `chmod 600 "$KEYTAB_FILE"`)
		call := slices.Index(job.Script, ciCall)
		export := slices.IndexFunc(job.Script, func(l string) bool {
			return strings.Contains(l, `KEYTAB_FILE="$MLCTL_KEYTAB"`) && strings.Contains(l, `PRINCIPAL="$MLCTL_PRINCIPAL"`)
		})
		if export < 0 || chmod < export || call < chmod {
			t.Fatalf("want KEYTAB_FILE and PRINCIPAL exported, chmod 600, then %s; script: %q", ciCall, job.Script)
		}
		if !slices.Contains(job.AfterScript, `rm -f "$MLCTL_KEYTAB"`) {
			t.Errorf("after_script should remove the keytab: %q", job.AfterScript)
		}
		// Run the job's script on the local backend, from the repository
		// root as GitLab does, with the outputs in the sandbox.
		s := newSandbox(t)
		kt := filepath.Join(s.dir, "keytab")
		writeFile(t, kt, "dummy", 0o644)
		s.env["MLCTL_KEYTAB"] = kt
		s.env["MLCTL_PRINCIPAL"] = ""
		s.env["OUT_DIR"] = filepath.Join(s.dir, "out")
		s.env["CI_JOB_ID"] = "77"
		cmd := exec.Command("bash", "-e", "-c", strings.Join(job.Script, "\n"))
		cmd.Dir = root
		cmd.Env = s.environ()
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("the GitLab job's script: %v\n%s", err, stderr.String())
		}
		if fi, err := os.Stat(kt); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("keytab after the job: %v %v, want mode 600", fi, err)
		}
		checkCIOutputs(t, s, s.env["OUT_DIR"], run{stdout: stdout.String(), stderr: stderr.String()})
		if left := s.clusters(); len(left) != 0 {
			t.Errorf("clusters left: %v", left)
		}
	})
}

func parseYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestScriptsAcceptTheKeytab: the real mlctl takes the login flags on every
// command the scripts run (on the local backend nothing logs in).
func TestScriptsAcceptTheKeytab(t *testing.T) {
	for _, script := range []string{cronScript, ciScript} {
		s := newSandbox(t)
		s.env["CLUSTER"] = "h6-keytab"
		kt := filepath.Join(s.dir, "ml.keytab")
		writeFile(t, kt, "not used on the local backend", 0o600)
		s.env["KEYTAB_FILE"], s.env["PRINCIPAL"] = kt, "ml@EXAMPLE.COM"
		if r := s.script(script, s.dir); r.code != 0 {
			t.Errorf("%s with --keytab and --principal: %s", script, r)
		}
	}
}
