package leader_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
	"github.com/mlctl/mlctl/engine/snapshot"
	"github.com/mlctl/mlctl/engine/source"
	"github.com/mlctl/mlctl/hdfs"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/testcluster"
	"github.com/mlctl/mlctl/launcher"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// On the secure test cluster, nodes that reach HDFS as YARN containers do
// (WebHDFS with a delegation token, no Kerberos of their own) save into the
// user's home, hdfs:///user/USER/.mlctl/clusters/NAME/saves, and another
// cloud restores from there bit-identically; a second save replaces
// current.json on HDFS; a flipped byte in a chunk on HDFS is exit 7.
func TestSaveRestoreOnSecureHDFS(t *testing.T) {
	if os.Getenv("MLCTL_TESTCLUSTER") == "" {
		t.Skip("MLCTL_TESTCLUSTER is not set (the shared secure test cluster)")
	}
	tc := testcluster.Secure(t)
	tc.Gateway(t)
	ctx := context.Background()
	y := launcher.NewYARN(t.TempDir(), "/nonexistent")
	gw, err := y.HDFS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := gw.GetDelegationToken(ctx, tc.User)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(tc.CAPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	container := &hdfs.WebHDFS{Bases: gw.Bases, Delegation: tok,
		HTTP: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}}
	remote := source.WebHDFS{C: container}

	name := fmt.Sprintf("h4-save-%d", time.Now().UnixNano())
	rec := &launcher.Record{Name: name, Backend: "yarn", Owner: tc.User}
	dir := launcher.SaveDir(rec)
	home := "/user/" + tc.User + "/.mlctl/clusters/" + name
	t.Cleanup(func() { gw.Delete(context.Background(), home, true) })

	src := proctest.StartRemote(t, 1, 16<<10, remote)
	src.Import(t, api.ImportRequest{Paths: []string{airline(t)}, Name: "air"})
	src.Train(t, api.TrainRequest{Algo: "gbm", ModelID: "g", Frame: "air", Target: "IsDelayed", Seed: 1, GBM: &api.GBMParams{NTrees: 4, MaxDepth: 3}}, 2*time.Minute)
	want := stateOf(t, src)
	first := save(t, src.Client, dir)
	second := save(t, src.Client, dir) // replaces current.json on HDFS
	if !strings.HasPrefix(second.Result, "hdfs://") || !strings.Contains(second.Result, home+"/saves/") {
		t.Errorf("save location %q", second.Result)
	}
	ls, err := gw.List(ctx, home+"/saves")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range ls {
		names = append(names, s.PathSuffix)
	}
	if len(names) != 3 || names[2] != snapshot.CurrentFile || !strings.HasSuffix(first.Result, names[0]) || !strings.HasSuffix(second.Result, names[1]) {
		t.Errorf("saves on HDFS: %v", names)
	}
	if st, err := gw.Stat(ctx, home+"/saves/"+snapshot.CurrentFile); err != nil || st.Permission != "600" || st.Owner != tc.User {
		t.Errorf("current.json on HDFS: %+v %v", st, err)
	}
	stop(src)

	dst := proctest.StartRemote(t, 2, 16<<10, remote)
	if _, err := restore(t, dst.Client, dir); err != nil {
		t.Fatal(err)
	}
	compareStates(t, "restored from HDFS into 2 nodes", want, stateOf(t, dst))
	stop(dst)

	// The instant of an HDFS replace with no current.json, only its
	// complete .next: restore reads that.
	cur := home + "/saves/" + snapshot.CurrentFile
	if err := gw.Rename(ctx, cur, cur+".next"); err != nil {
		t.Fatal(err)
	}
	mid := proctest.StartRemote(t, 1, 0, remote)
	if _, err := restore(t, mid.Client, dir); err != nil {
		t.Errorf("restore from current.json.next: %v", err)
	}
	stop(mid)
	if err := gw.Rename(ctx, cur+".next", cur); err != nil {
		t.Fatal(err)
	}

	// Flip a byte of a chunk on HDFS: the restore names it and exits 7.
	victim := home + "/saves/" + names[1] + "/frames/air/000000.chunk"
	rc, err := gw.Open(ctx, victim, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	data[len(data)-1] ^= 1
	if err := gw.Create(ctx, victim, func() io.Reader { return bytes.NewReader(data) }, 0o600, true); err != nil {
		t.Fatal(err)
	}
	again := proctest.StartRemote(t, 1, 0, remote)
	_, err = restore(t, again.Client, dir)
	if err = api.SaveJobError(err); errs.Code(err) != errs.Integrity || !strings.Contains(err.Error(), victim) {
		t.Errorf("damaged chunk on HDFS: exit %d, %v", errs.Code(err), err)
	}
}
