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
