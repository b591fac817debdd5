package examples_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNightlyTrain: from a stale stopped record of last night, the cron
// script deletes it, launches, imports, trains, exports an artifact that
// mlctl can inspect, prints its path and leaves no cluster behind.
func TestNightlyTrain(t *testing.T) {
	s := newSandbox(t)
	s.env["CLUSTER"] = "h6-nightly"
	if _, err := s.mlctl("cluster", "launch", "h6-nightly", "--memory", "256m", "--wait"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.mlctl("cluster", "stop", "h6-nightly"); err != nil {
		t.Fatal(err)
	}

	r := s.script(cronScript, s.dir)
	if r.code != 0 {
		t.Fatalf("nightly-train.sh: %s", r)
	}
	artifact := strings.TrimSpace(r.stdout)
	if strings.Contains(artifact, "\n") || filepath.Dir(artifact) != filepath.Join(s.env["HOME"], "models") || !strings.HasSuffix(artifact, ".mlz") {
		t.Fatalf("stdout should be the artifact's path under $HOME/models, got %q", r.stdout)
	}
	m := inspect(t, s, artifact)["manifest"].(map[string]any)
	if m["algo"] != "gbm" || !strings.HasPrefix(m["model_id"].(string), "gbm-") {
		t.Errorf("artifact manifest: algo %v, model_id %v", m["algo"], m["model_id"])
	}
	for _, want := range []string{"exists but is stopped; deleting it", "launching h6-nightly (1 x 256m)", "training gbm-", "stopped and deleted h6-nightly"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("log lacks %q:\n%s", want, r.stderr)
		}
	}
	if left := s.clusters(); len(left) != 0 {
		t.Errorf("clusters left: %v", left)
	}
}

// TestNightlyTrainKeepsARunningCluster: a cluster that was already running
// is used (--if-absent) and left running.
func TestNightlyTrainKeepsARunningCluster(t *testing.T) {
	s := newSandbox(t)
	s.env["CLUSTER"] = "h6-shared"
	s.env["OUT_DIR"] = filepath.Join(s.dir, "out")
	if _, err := s.mlctl("cluster", "launch", "h6-shared", "--memory", "256m", "--wait"); err != nil {
		t.Fatal(err)
	}
	r := s.script(cronScript, s.dir)
	if r.code != 0 {
		t.Fatalf("nightly-train.sh: %s", r)
	}
	if !strings.Contains(r.stderr, "cluster h6-shared is running; using it") || strings.Contains(r.stderr, "stopped and deleted") {
		t.Errorf("log:\n%s", r.stderr)
	}
	if st := s.clusterState("h6-shared"); st != "running" {
		t.Errorf("the cluster the script found running is %q after it", st)
	}
	if _, err := os.Stat(strings.TrimSpace(r.stdout)); err != nil || !strings.HasPrefix(r.stdout, s.env["OUT_DIR"]) {
		t.Errorf("artifact %q: %v", r.stdout, err)
	}
}

// TestNightlyTrainDenied: a launch the policy denies (exit 3) mails the
// admin the denial and ends with 3, with nothing launched.
func TestNightlyTrainDenied(t *testing.T) {
	s := newSandbox(t)
	policy := filepath.Join(s.dir, "policy.yaml")
	writeFile(t, policy, `apiVersion: mlctl/v1
kind: Policy
backends:
  local:
    enabled: true
roles:
  standard:
    groups: ["*"]
profiles:
  - name: small
    groups: ["*"]
    nodes: {min: 1, max: 1, default: 1}
    memory_per_node: {max: 1Gi, default: 256Mi}
    vcores_per_node: {max: 1, default: 1}
`, 0o644)
	// mail(1) as the gateway has it: this one keeps what it was given.
	bin := filepath.Join(s.dir, "bin")
	mailed := filepath.Join(s.dir, "mailed")
	writeFile(t, filepath.Join(bin, "mail"), "#!/bin/sh\n{ echo \"args: $*\"; cat; } > "+mailed+"\n", 0o755)
	s.env["PATH"] = bin + string(os.PathListSeparator) + s.env["PATH"]
	s.env["MLCTL_POLICY"] = policy
	s.env["ADMIN_MAIL"] = "hadoop-admins@example.com"
	s.env["CLUSTER"] = "h6-denied"
	s.env["NODES"] = "2"

	r := s.script(cronScript, s.dir)
	if r.code != 3 {
		t.Fatalf("want exit 3 (denied): %s", r)
	}
	mail, err := os.ReadFile(mailed)
	if err != nil {
		t.Fatalf("no mail to the admin: %v\n%s", err, r)
	}
	for _, want := range []string{"args: -s mlctl: nightly training denied by policy hadoop-admins@example.com", "denied by policy", "profile small allows at most 1", "NODES=2"} {
		if !strings.Contains(string(mail), want) {
			t.Errorf("mail lacks %q:\n%s", want, mail)
		}
	}
	if !strings.Contains(r.stderr, "mailed hadoop-admins@example.com") || r.stdout != "" {
		t.Errorf("stdout %q, log:\n%s", r.stdout, r.stderr)
	}
	if left := s.clusters(); len(left) != 0 {
		t.Errorf("clusters left: %v", left)
	}
}

// TestNightlyTrainTimeout: launches that time out (exit 5) are retried
// RETRIES times, each after deleting the failed attempt, then the script
// gives up with 5 and says to retry later, leaving nothing behind.
func TestNightlyTrainTimeout(t *testing.T) {
	s := newSandbox(t)
	s.env["CLUSTER"] = "h6-slow"
	s.env["LAUNCH_TIMEOUT"] = "1ms" // no cloud forms that fast
	s.env["RETRIES"] = "1"
	s.env["RETRY_DELAY"] = "0"
	r := s.script(cronScript, s.dir)
	if r.code != 5 {
		t.Fatalf("want exit 5 (timeout): %s", r)
	}
	for _, want := range []string{"launch timed out (exit 5); retry 1 of 1", "launch timed out 2 times; giving up, retry later", "stopped and deleted h6-slow"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("log lacks %q:\n%s", want, r.stderr)
		}
	}
	if left := s.clusters(); len(left) != 0 {
		t.Errorf("clusters left: %v", left)
	}
}

func writeFile(t *testing.T, path, data string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), perm); err != nil {
		t.Fatal(err)
	}
}
