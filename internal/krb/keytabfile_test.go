package krb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/errs"
)

func TestKeytabFileSafety(t *testing.T) {
	dir, _ := setup(t) // a krb5.conf of its own: Login reads it first
	kt := filepath.Join(dir, "alice.keytab")
	if err := os.WriteFile(kt, []byte("not checked here"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckKeytabFile(kt); err != nil {
		t.Errorf("0600 keytab refused: %v", err)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		os.Chmod(kt, mode)
		err := CheckKeytabFile(kt)
		if errs.Code(err) != errs.Auth || !errors.Is(err, ErrConfig) ||
			!strings.Contains(err.Error(), "readable by others") || errs.Hint(err) != "make it readable by you only: chmod 600 "+kt {
			t.Errorf("mode %04o: %v / %q", mode, err, errs.Hint(err))
		}
		// Login refuses it before reading it.
		_, err = Login(context.Background(), Options{Keytab: kt, Principal: "alice"})
		if err == nil || !strings.Contains(err.Error(), "readable by others") {
			t.Errorf("Login with mode %04o: %v", mode, err)
		}
	}
	os.Chmod(kt, 0o600)
	if os.Getuid() == 0 {
		// Root can give the file away and see it refused.
		if err := os.Chown(kt, 65534, -1); err != nil {
			t.Fatal(err)
		}
		err := CheckKeytabFile(kt)
		if errs.Code(err) != errs.Auth || !strings.Contains(err.Error(), "not to you") {
			t.Errorf("another user's keytab: %v", err)
		}
	}
	if err := CheckKeytabFile(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("missing file: %v (keytab.Load reports it)", err)
	}
}

// A keytab login keeps its tickets in memory: the cache KRB5CCNAME names,
// and the default /tmp/krb5cc_<uid>, are not created, even after service
// tickets were fetched.
func TestKeytabLoginWritesNoCache(t *testing.T) {
	tc := testCluster(t)
	dir := t.TempDir()
	t.Setenv("KRB5CCNAME", "FILE:"+filepath.Join(dir, "krb5cc"))
	def := fmt.Sprintf("/tmp/krb5cc_%d", os.Getuid())
	_, defErr := os.Stat(def)
	kt := filepath.Join(dir, "alice.keytab")
	b, err := os.ReadFile(tc.UserKeytab)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(kt, b, 0o600)
	s, err := Login(context.Background(), Options{Krb5Conf: tc.Krb5Conf, Keytab: kt, Principal: tc.UserPrincipal})
	if err != nil {
		t.Fatalf("%v (hint: %s)", err, errs.Hint(err))
	}
	if code := getInfo(t, s, tc.RMWebapp); code != http.StatusOK {
		t.Fatalf("RM answered %d", code)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files beside the keytab: %v", ents)
	}
	if _, err := os.Stat(def); os.IsNotExist(defErr) && !os.IsNotExist(err) {
		t.Errorf("%s appeared", def)
	}
}
