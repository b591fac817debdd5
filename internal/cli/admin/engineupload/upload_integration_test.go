package engineupload

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cli/policy/validate"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/internal/testcluster"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/profile"
)

const adminPolicy = `apiVersion: mlctl/v1
kind: Policy
backends:
  local:
    enabled: true
roles:
  admin:
    groups: ["*"]
profiles:
  - name: all
    groups: ["*"]
`

// A test cluster this process had to start is stopped at the end.
func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

func writeBinary(t *testing.T, n int) (string, []byte) {
	t.Helper()
	data := make([]byte, n)
	rand.Read(data)
	p := filepath.Join(t.TempDir(), "mlctl")
	if err := os.WriteFile(p, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return p, data
}

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// On the secure test cluster: the build lands at the path whole (checked
// by reading it back), no temporary file is left, the checksum and the YAML
// are printed; the same build again copies nothing; a different one is
// refused without --force and replaces it with; and policy validate then
// verifies the checksum on HDFS, or lists the mismatch.
func TestUploadOnHDFS(t *testing.T) {
	tc := testcluster.Secure(t)
	tc.Gateway(t)
	y := launcher.NewYARN(t.TempDir(), "")
	hdfsFn := func(ctx context.Context) (cmdutil.HDFS, error) { return y.HDFS(ctx) }
	ctx := context.Background()
	h, err := y.HDFS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := fmt.Sprintf("/user/%s/.mlctl-h2-test/engines-%d", tc.User, time.Now().UnixNano())
	t.Cleanup(func() { h.Delete(context.Background(), dir, true) })
	pol, err := profile.Parse("admin.yaml", []byte(adminPolicy))
	if err != nil {
		t.Fatal(err)
	}
	run := func(bin string, force bool) (*iostreams.IOStreams, error) {
		f, ios := clitest.Factory(nil, nil)
		g := &enforce.Gate{Policy: func() (*profile.Policy, error) { return pol, nil },
			Identity: func(context.Context) (string, string) { return "", tc.User }, Home: t.TempDir()}
		err := Run(&UploadOptions{IO: ios, Gate: g, HDFS: hdfsFn, Executable: f.Executable, Ctx: ctx,
			Version: "1.0", Binary: bin, Path: "hdfs://" + dir + "/1.0/mlctl", Force: force})
		return ios, err
	}
	bin, data := writeBinary(t, 3<<20)
	ios, err := run(bin, false)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("    - name: \"1.0\"\n      path: hdfs://%s/1.0/mlctl\n      sha256: %s\n", dir, sum(data))
	if clitest.Out(ios) != want {
		t.Errorf("snippet:\n%s\nwant:\n%s", clitest.Out(ios), want)
	}
	back := func() []byte {
		rc, err := h.Open(ctx, dir+"/1.0/mlctl", 0, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, _ := io.ReadAll(rc)
		return b
	}
	if !bytes.Equal(back(), data) {
		t.Fatal("the build on HDFS differs from the file")
	}
	ls, err := h.List(ctx, dir+"/1.0")
	if err != nil || len(ls) != 1 {
		t.Fatalf("%v: %+v (a temporary file left?)", err, ls)
	}
	// Same build: nothing copied.
	if ios, err = run(bin, false); err != nil || !strings.Contains(clitest.ErrOut(ios), "already holds this build") {
		t.Fatalf("%v %s", err, clitest.ErrOut(ios))
	}
	// A different build: refused, then replaced with --force.
	bin2, data2 := writeBinary(t, 1<<20)
	if _, err = run(bin2, false); err == nil || !strings.Contains(err.Error(), "already holds a different build") {
		t.Fatalf("got %v", err)
	}
	if !bytes.Equal(back(), data) {
		t.Fatal("a refused upload changed the build")
	}
	if _, err = run(bin2, true); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back(), data2) {
		t.Fatal("--force did not replace the build")
	}

	// policy validate reads the build from HDFS and checks its checksum.
	check := func(sha string) (*iostreams.IOStreams, error) {
		p := filepath.Join(t.TempDir(), "policy.yaml")
		text := adminPolicy + fmt.Sprintf("engines:\n  default: \"1.0\"\n  versions:\n    - name: \"1.0\"\n      path: hdfs://%s/1.0/mlctl\n      sha256: %s\n", dir, sha)
		os.WriteFile(p, []byte(text), 0o644)
		_, ios := clitest.Factory(nil, nil)
		err := validate.Run(&validate.ValidateOptions{IO: ios, HDFS: hdfsFn, Ctx: ctx, File: p, Insecure: true, VerifyTimeout: time.Minute})
		return ios, err
	}
	if ios, err := check(sum(data2)); err != nil || !strings.Contains(clitest.ErrOut(ios), "engine checksums verified: 1 builds") {
		t.Fatalf("%v %s", err, clitest.ErrOut(ios))
	}
	ios, err = check(sum(data))
	if errs.Code(err) != errs.Usage || !strings.Contains(clitest.ErrOut(ios), "checksum mismatch") {
		t.Fatalf("%v %s", err, clitest.ErrOut(ios))
	}
}
