package krb

import (
	"context"
	"errors"
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
