package export_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cli/model/artifactio"
	"github.com/mlctl/mlctl/internal/cli/model/export"
	"github.com/mlctl/mlctl/internal/cli/model/verify"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/testcluster"
	"github.com/mlctl/mlctl/launcher"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// A model trained on a real cloud is exported straight to the secure test
// cluster's HDFS (Kerberos, WebHDFS), read back from there and verified;
// the temporary file of the atomic write is gone.
func TestExportToSecureHDFS(t *testing.T) {
	tc := testcluster.Secure(t)
	tc.Gateway(t)
	y := launcher.NewYARN(t.TempDir(), "/nonexistent")
	hdfsFn := func(ctx context.Context) (cmdutil.HDFS, error) { return y.HDFS(ctx) }

	var b strings.Builder
	b.WriteString("x,c,y\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "%d,%s,%d\n", i%97, []string{"a", "b", "c"}[i%3], (i/7)%2)
	}
	csv := filepath.Join(t.TempDir(), "d.csv")
	os.WriteFile(csv, []byte(b.String()), 0o644)
	cloud := proctest.Start(t, 1, 0)
	cloud.Import(t, api.ImportRequest{Paths: []string{csv}, Name: "d", ColTypes: map[string]string{"y": "categorical"}})
	cloud.Train(t, api.TrainRequest{Algo: "gbm", ModelID: "m", Frame: "d", Target: "y", GBM: &api.GBMParams{NTrees: 3, MaxDepth: 3}}, time.Minute)

	bk := clitest.NewBackend("local")
	bk.Clusters["demo"] = &launcher.Record{Name: "demo", Backend: "local", State: "running", Owner: tc.User}
	f, ios := clitest.Factory(bk, nil)
	f.ClusterAPI = func(context.Context, string) (cmdutil.ClusterAPI, error) { return cloud.Client, nil }
	f.HDFS = hdfsFn
	dir := fmt.Sprintf("hdfs:///user/%s/models-%d", tc.User, time.Now().UnixNano())
	url := dir + "/m.mlz"
	if err := clitest.Exec(export.NewCmdExport(f, nil), "-c", "demo", "m", "-o", url); err != nil {
		t.Fatal(err)
	}
	if got := clitest.Out(ios); got != url+"\n" {
		t.Errorf("export printed %q", got)
	}
	ctx := context.Background()
	a, err := artifactio.Open(ctx, hdfsFn, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Manifest.ModelID != "m" || a.Manifest.Lineage.Rows != 2000 || a.Manifest.Lineage.DataFingerprint == "" {
		t.Errorf("manifest read back from HDFS: %+v", a.Manifest)
	}
	f, ios = clitest.Factory(bk, nil)
	f.HDFS = hdfsFn
	if err := clitest.Exec(verify.NewCmdVerify(f, nil), url); err != nil {
		t.Fatalf("verify on HDFS: %v", err)
	}
	web, _ := y.HDFS(ctx)
	p, _, _ := artifactio.HDFSPath(dir)
	ls, err := web.List(ctx, p)
	if err != nil || len(ls) != 1 || ls[0].PathSuffix != "m.mlz" {
		t.Errorf("directory after the atomic write: %+v %v", ls, err)
	}
	if err := clitest.Exec(verify.NewCmdVerify(f, nil), "hdfs://elsewhere.invalid:8020"+p+"/m.mlz"); errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), "another file system") {
		t.Errorf("another file system's URL: exit %d, %v", errs.Code(err), err)
	}
	if err := clitest.Exec(verify.NewCmdVerify(f, nil), dir+"/none.mlz"); errs.Code(err) != errs.NotFound {
		t.Errorf("missing file on HDFS: exit %d, %v", errs.Code(err), err)
	}
	web.Delete(ctx, p, true)
}
