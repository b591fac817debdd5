package profile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/errs"
)

func writePolicy(t *testing.T, dir, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func currentUser(t *testing.T) *user.User {
	me, err := user.Current()
	if err != nil {
		t.Skip(err)
	}
	return me
}

// nonRootOwner gives path an owner other than root and returns that
// owner: the current user, or (when the tests run as root) nobody.
func nonRootOwner(t *testing.T, path string) *user.User {
	t.Helper()
	me := currentUser(t)
	if me.Uid != "0" {
		return me
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("running as root and there is no user nobody to own the file")
	}
	uid, gid := atoi(t, nobody.Uid), atoi(t, nobody.Gid)
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
	return nobody
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func localPolicyWithAdmin(admin string) string {
	return `apiVersion: mlctl/v1
kind: Policy
roles:
  admin: {users: [` + admin + `]}
  standard: {users: ["*"]}
profiles:
  - name: p
    users: ["*"]
`
}

func TestCheckFileSafety(t *testing.T) {
	dir := t.TempDir()
	path := writePolicy(t, dir, "", 0o644)
	me := nonRootOwner(t, path)

	if err := CheckFileSafety(path, []string{me.Username}); err != nil {
		t.Errorf("0644, owned by an admin: %v", err)
	}
	err := CheckFileSafety(path, nil)
	if err == nil || !strings.Contains(err.Error(), "owned by "+me.Username) || !strings.Contains(errs.Hint(err), "chown root "+path) {
		t.Errorf("owned by a non-admin: %v (hint %q)", err, errs.Hint(err))
	}
	if errs.Code(err) != errs.Usage {
		t.Errorf("exit code %d, want %d", errs.Code(err), errs.Usage)
	}
	for mode, who := range map[os.FileMode]string{0o664: "its group", 0o646: "others", 0o666: "group and others"} {
		os.Chmod(path, mode)
		err := CheckFileSafety(path, []string{me.Username})
		if err == nil || !strings.Contains(err.Error(), "writable by "+who) || !strings.Contains(errs.Hint(err), "chmod go-w "+path) {
			t.Errorf("mode %o: %v (hint %q)", mode, err, errs.Hint(err))
		}
	}
	os.Chmod(path, 0o644)
	os.Chmod(dir, 0o757)
	defer os.Chmod(dir, 0o700)
	err = CheckFileSafety(path, []string{me.Username})
	if err == nil || !strings.Contains(err.Error(), "directory "+dir+" is writable by others") || !strings.Contains(errs.Hint(err), "chmod o-w "+dir) {
		t.Errorf("o+w directory: %v (hint %q)", err, errs.Hint(err))
	}
	os.Chmod(dir, 0o700)
	if me := currentUser(t); me.Uid == "0" {
		if err := os.Chown(path, 0, 0); err != nil {
			t.Fatal(err)
		}
		if err := CheckFileSafety(path, nil); err != nil {
			t.Errorf("0644, owned by root: %v", err)
		}
	}
	// A directory owned by someone else, who could swap the file.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	inSub := writePolicy(t, sub, "", 0o644)
	if currentUser(t).Uid == "0" {
		os.Chown(inSub, 0, 0)
		nonRootOwner(t, sub)
		err := CheckFileSafety(inSub, nil)
		if err == nil || !strings.Contains(err.Error(), "directory "+sub+" is owned by nobody") || !strings.Contains(errs.Hint(err), "chown root "+sub) {
			t.Errorf("directory owned by nobody: %v (hint %q)", err, errs.Hint(err))
		}
		if err := CheckFileSafety(inSub, []string{"nobody"}); err != nil {
			t.Errorf("directory owned by an admin: %v", err)
		}
	}
	if err := CheckFileSafety(dir, []string{me.Username}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory: %v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := writePolicy(t, dir, "", 0o644)
	me := nonRootOwner(t, path)
	if err := os.WriteFile(path, []byte(localPolicyWithAdmin(me.Username)), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path, LoadOptions{})
	if err != nil {
		t.Fatalf("a safe policy owned by its admin: %v", err)
	}
	if p.Source != path {
		t.Errorf("source %q", p.Source)
	}
	{
		other := writePolicy(t, t.TempDir(), localPolicyWithAdmin("someone-else"), 0o644)
		nonRootOwner(t, other)
		if _, err := Load(other, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "is refused") {
			t.Errorf("owned by a non-admin: %v", err)
		}
		if _, err := Load(other, LoadOptions{Insecure: true}); err != nil {
			t.Errorf("insecure: %v", err)
		}
	}
	bad := writePolicy(t, t.TempDir(), "apiVersion: mlctl/v1\nkind: Policy\nprofiles: 3\n", 0o644)
	_, err = Load(bad, LoadOptions{Insecure: true})
	var ps Problems
	if !errors.As(err, &ps) || errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), bad+":3:11:") {
		t.Errorf("invalid policy: %v (code %d)", err, errs.Code(err))
	}
	if p, err := Load("", LoadOptions{}); err != nil || p.Source != EmbeddedSource {
		t.Errorf("embedded: %v %v", p, err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), LoadOptions{}); err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	a := writePolicy(t, dir, "x", 0o644)
	t.Setenv(EnvPolicy, "")
	if got, err := Locate(a); err != nil || got != a {
		t.Errorf("flag: %q %v", got, err)
	}
	t.Setenv(EnvPolicy, a)
	if got, err := Locate(""); err != nil || got != a {
		t.Errorf("env: %q %v", got, err)
	}
	if _, err := Locate(filepath.Join(dir, "nope.yaml")); err == nil || !strings.Contains(err.Error(), "--policy") || errs.Code(err) != errs.Usage {
		t.Errorf("missing flag file: %v", err)
	}
	t.Setenv(EnvPolicy, filepath.Join(dir, "nope.yaml"))
	if _, err := Locate(""); err == nil || !strings.Contains(err.Error(), "$"+EnvPolicy) {
		t.Errorf("missing env file: %v", err)
	}
	t.Setenv(EnvPolicy, "")
	want := ""
	if _, err := os.Stat(DefaultPath); err == nil {
		want = DefaultPath
	}
	if got, err := Locate(""); err != nil || got != want {
		t.Errorf("default: %q %v, want %q", got, err, want)
	}
}

func TestVerifyEngines(t *testing.T) {
	good, bad := []byte("engine build 3.46"), []byte("engine build 3.48")
	sum := sha256.Sum256(good)
	src := `apiVersion: mlctl/v1
kind: Policy
backends: {yarn: {}}
engines:
  default: "3.46"
  versions:
    - name: "3.46"
      path: hdfs:///e/3.46
      sha256: ` + hex.EncodeToString(sum[:]) + `
    - name: "3.48"
      path: hdfs:///e/3.48
      sha256: ` + hex.EncodeToString(sum[:]) + `
    - name: "3.50"
      path: hdfs:///e/3.50
      sha256: ` + hex.EncodeToString(sum[:]) + `
roles: {standard: {users: ["*"]}}
profiles: [{name: p, users: ["*"]}]
`
	p, err := Parse("e.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"hdfs:///e/3.46": good, "hdfs:///e/3.48": bad}
	ps := p.VerifyEngines(context.Background(), func(_ context.Context, path string) (io.ReadCloser, error) {
		b, ok := files[path]
		if !ok {
			return nil, fs.ErrNotExist
		}
		return io.NopCloser(bytes.NewReader(b)), nil
	})
	if len(ps) != 2 {
		t.Fatalf("problems: %v", ps)
	}
	if ps[0].Line != 12 || !strings.Contains(ps[0].Msg, "engine 3.48: checksum mismatch") {
		t.Errorf("mismatch: %s", ps[0])
	}
	if ps[1].Line != 15 || !strings.Contains(ps[1].Msg, "cannot read hdfs:///e/3.50") || !strings.Contains(ps[1].Hint, "mlctl admin engine upload 3.50") {
		t.Errorf("missing: %s", ps[1])
	}
}
