package examples_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/testcluster"
)

// TestScriptsWithoutTicket: on the secure test cluster's YARN without a
// Kerberos ticket, mlctl exits 4 and each script says what to do about it.
func TestScriptsWithoutTicket(t *testing.T) {
	if os.Getenv("MLCTL_TESTCLUSTER") == "" {
		t.Skip("needs the secure test cluster: set MLCTL_TESTCLUSTER (make test does)")
	}
	tc := testcluster.Secure(t)
	for script, want := range map[string]string{
		cronScript: "Kerberos login failed; renew the keytab",
		ciScript:   "Kerberos login failed; check the keytab secret and PRINCIPAL",
	} {
		s := newSandbox(t)
		s.env["BACKEND"] = "yarn"
		s.env["CLUSTER"] = "h6-noticket"
		s.env["HADOOP_CONF_DIR"] = tc.ConfDir
		s.env["KRB5_CONFIG"] = tc.Krb5Conf
		s.env["KRB5CCNAME"] = "FILE:" + filepath.Join(s.dir, "no-ticket-here")
		r := s.script(script, s.dir)
		if r.code != 4 || !strings.Contains(r.stderr, want) {
			t.Errorf("%s: want exit 4 and %q: %s", script, want, r)
		}
	}
}
