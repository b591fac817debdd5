package examples_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/testcluster"
)

// TestScriptsKerberosFailures: on the secure test cluster's YARN, without
// a ticket, or with a keytab others can read (which the scripts pass to
// mlctl as --keytab), mlctl exits 4 and each script says what to do.
func TestScriptsKerberosFailures(t *testing.T) {
	if os.Getenv("MLCTL_TESTCLUSTER") == "" {
		t.Skip("needs the secure test cluster: set MLCTL_TESTCLUSTER (make test does)")
	}
	tc := testcluster.Secure(t)
	keytab, err := os.ReadFile(tc.UserKeytab)
	if err != nil {
		t.Fatal(err)
	}
	for script, says := range map[string]string{
		cronScript: "Kerberos login failed; renew or fix the keytab",
		ciScript:   "Kerberos login failed; check the keytab secret and PRINCIPAL",
	} {
		for _, withKeytab := range []bool{false, true} {
			s := newSandbox(t)
			s.env["BACKEND"] = "yarn"
			s.env["CLUSTER"] = "h6-kerberos"
			s.env["HADOOP_CONF_DIR"] = tc.ConfDir
			s.env["KRB5_CONFIG"] = tc.Krb5Conf
			s.env["KRB5CCNAME"] = "FILE:" + filepath.Join(s.dir, "no-ticket-here")
			mlctlSays := "no Kerberos ticket"
			if withKeytab {
				kt := filepath.Join(s.dir, "ml.keytab")
				writeFile(t, kt, string(keytab), 0o644)
				s.env["KEYTAB_FILE"], s.env["PRINCIPAL"] = kt, tc.UserPrincipal
				mlctlSays = "chmod 600 " + kt
			}
			r := s.script(script, s.dir)
			if r.code != 4 || !strings.Contains(r.stderr, says) || !strings.Contains(r.stderr, mlctlSays) {
				t.Errorf("%s (keytab %v): want exit 4, %q and %q: %s", script, withKeytab, mlctlSays, says, r)
			}
		}
	}
}

// TestScriptsOnSecureYARN: both scripts, logging in with a keytab only (no
// kinit, no ticket cache), train on the secure test cluster's YARN, export
// and (CI) score, and leave no cluster and no ticket cache behind.
func TestScriptsOnSecureYARN(t *testing.T) {
	if os.Getenv("MLCTL_TESTCLUSTER") == "" {
		t.Skip("needs the secure test cluster: set MLCTL_TESTCLUSTER (make test does)")
	}
	tc := testcluster.Secure(t)
	keytab, err := os.ReadFile(tc.UserKeytab)
	if err != nil {
		t.Fatal(err)
	}
	for script, cluster := range map[string]string{cronScript: "h6-yarn-cron", ciScript: "h6-yarn-ci"} {
		s := newSandbox(t)
		kt := filepath.Join(s.dir, "ml.keytab")
		writeFile(t, kt, string(keytab), 0o600)
		// The scripts get the keytab as flags only; the sandbox's cleanup
		// (after a failure half-way) needs it too, so it gets the settings.
		t.Cleanup(func() { s.env["MLCTL_KEYTAB"], s.env["MLCTL_PRINCIPAL"] = kt, tc.UserPrincipal })
		cache := filepath.Join(s.dir, "ticket-cache")
		for k, v := range map[string]string{
			"BACKEND": "yarn", "CLUSTER": cluster, "KEYTAB_FILE": kt, "PRINCIPAL": tc.UserPrincipal,
			"HADOOP_CONF_DIR": tc.ConfDir, "KRB5_CONFIG": tc.Krb5Conf, "KRB5CCNAME": "FILE:" + cache,
			"MLCTL_HDFS_CA": tc.CAPEM, "LAUNCH_TIMEOUT": "3m", "RETRIES": "0",
		} {
			s.env[k] = v
		}
		r := s.script(script, s.dir)
		if r.code != 0 {
			t.Errorf("%s on YARN: %s", script, r)
			continue
		}
		if !strings.Contains(r.stderr, "submitting application_") {
			t.Errorf("%s did not launch on YARN:\n%s", script, r.stderr)
		}
		artifact := strings.TrimSpace(r.stdout[strings.LastIndex(strings.TrimSpace(r.stdout), "\n")+1:])
		if !filepath.IsAbs(artifact) {
			artifact = filepath.Join(s.dir, artifact)
		}
		if m := inspect(t, s, artifact)["manifest"].(map[string]any); m["algo"] != "gbm" {
			t.Errorf("%s: artifact %v", script, m)
		}
		if _, err := os.Stat(cache); !os.IsNotExist(err) {
			t.Errorf("%s: a ticket cache was written at %s (%v)", script, cache, err)
		}
		if left := s.clusters(); len(left) != 0 {
			t.Errorf("%s: clusters left: %v", script, left)
		}
	}
}
