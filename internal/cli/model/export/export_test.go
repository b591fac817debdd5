package export_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cli/keygen"
	"github.com/mlctl/mlctl/internal/cli/model/export"
	"github.com/mlctl/mlctl/internal/cli/model/inspect"
	"github.com/mlctl/mlctl/internal/cli/model/verify"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/scoring"
)

// modelExport is what a leader sends for a small binomial GBM.
func modelExport(t *testing.T) *api.ModelExport {
	t.Helper()
	s := scoring.Schema{Features: []scoring.Feature{{Name: "Distance", Type: scoring.Numeric}, {Name: "Origin", Type: scoring.Categorical, Domain: []string{"ORD", "SFO"}}},
		Response: "IsDelayed", Classes: []string{"0", "1"}}
	m := &scoring.GBM{Schema: s, Distribution: "bernoulli", InitF: []float64{-0.5}, Trees: []scoring.Tree{{
		Feature: []int32{0, -1, -1}, Threshold: []float64{500, 0, 0}, Flags: []uint8{scoring.FlagNALeft, 0, 0},
		CatStart: make([]int32, 3), CatWords: make([]int32, 3), Left: []int32{1, -1, -1}, Right: []int32{2, -1, -1},
		Value: []float64{0, -0.1, 0.2}, Cover: []float64{10, 6, 4}}}}
	body, err := scoring.EncodeBody(m)
	if err != nil {
		t.Fatal(err)
	}
	th := api.Number(0.42)
	return &api.ModelExport{Model: clitest.GBMModel(), Schema: s, Body: body, Threshold: &th, Sources: []string{"hdfs:///data/airline.csv"},
		Profile: &api.ModelProfile{Fingerprint: "sha256:feed", Rows: 10, Baseline: &scoring.Baseline{Rows: 10},
			Example: &scoring.Example{Columns: []string{"Distance", "Origin"}, Rows: [][]string{{"300", "ORD"}}}}}
}

func TestExportInspectVerify(t *testing.T) {
	dir := t.TempDir()
	b := clitest.NewBackend("yarn")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", Backend: "yarn", State: "running", AppID: "application_1_0001", Owner: "alice"}
	c := &clitest.ClusterAPI{ModelExports: map[string]*api.ModelExport{"gbm-1": modelExport(t)}}
	f, ios := clitest.Factory(b, c)
	f.Identity = func(context.Context) (string, string) { return "alice@EXAMPLE.COM", "alice" }

	// A key pair, the private half 0600.
	prefix := filepath.Join(dir, "keys", "signing")
	if err := clitest.Exec(keygen.NewCmdKeygen(f, nil), "-o", prefix); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(prefix + ".key"); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key: %v %v", st.Mode(), err)
	}
	if err := clitest.Exec(keygen.NewCmdKeygen(f, nil), "-o", prefix); errs.Code(err) != errs.Usage {
		t.Errorf("keygen over existing keys: %v", err)
	}

	out := filepath.Join(dir, "delay.mlz")
	f, ios = clitest.Factory(b, c)
	f.Identity = func(context.Context) (string, string) { return "alice@EXAMPLE.COM", "alice" }
	if err := clitest.Exec(export.NewCmdExport(f, nil), "-c", "demo", "gbm-1", "-o", out, "--sign-key", prefix+".key"); err != nil {
		t.Fatal(err)
	}
	if got := clitest.Out(ios); got != out+"\n" {
		t.Errorf("piped export prints %q", got)
	}

	f, ios = clitest.Factory(b, c)
	if err := clitest.Exec(inspect.NewCmdInspect(f, nil), out, "-o", "json", "--key", prefix+".pub"); err != nil {
		t.Fatal(err)
	}
	var rep inspect.Report
	if err := json.Unmarshal([]byte(clitest.Out(ios)), &rep); err != nil {
		t.Fatal(err)
	}
	l := rep.Manifest.Lineage
	if l.Principal != "alice@EXAMPLE.COM" || l.Cluster != "demo" || l.ApplicationID != "application_1_0001" || l.DataFingerprint != "sha256:feed" ||
		l.Sources[0] != "hdfs:///data/airline.csv" || l.MlctlVersion != "v0.0.0-test" || l.Frame != "train_0" {
		t.Errorf("lineage %+v", l)
	}
	if rep.Manifest.Threshold != 0.42 || rep.Manifest.Kind != "binomial" || rep.Signature == nil || !rep.Signature.Verified || rep.Example.Rows[0][1] != "ORD" {
		t.Errorf("report %+v", rep)
	}
	if !strings.Contains(string(rep.Manifest.Metrics), `"auc"`) {
		t.Errorf("metrics %s", rep.Manifest.Metrics)
	}

	f, ios = clitest.Factory(b, c)
	if err := clitest.Exec(verify.NewCmdVerify(f, nil), out, "--key", prefix+".pub"); err != nil {
		t.Fatal(err)
	}
	if got := clitest.Out(ios); !strings.Contains(got, "verified") {
		t.Errorf("verify: %q", got)
	}

	// Another key, a flipped byte, a missing file.
	other := filepath.Join(dir, "other")
	f, _ = clitest.Factory(b, c)
	clitest.Exec(keygen.NewCmdKeygen(f, nil), "-o", other)
	if err := clitest.Exec(verify.NewCmdVerify(f, nil), out, "--key", other+".pub"); errs.Code(err) != errs.Integrity || errs.Hint(err) == "" {
		t.Errorf("wrong key: code %d, %v", errs.Code(err), err)
	}
	data, _ := os.ReadFile(out)
	bad := filepath.Join(dir, "bad.mlz")
	data[len(data)/2] ^= 1
	os.WriteFile(bad, data, 0o644)
	if err := clitest.Exec(verify.NewCmdVerify(f, nil), bad); errs.Code(err) != errs.Integrity {
		t.Errorf("flipped byte: code %d, %v", errs.Code(err), err)
	}
	if err := clitest.Exec(verify.NewCmdVerify(f, nil), filepath.Join(dir, "nope.mlz")); errs.Code(err) != errs.NotFound {
		t.Errorf("missing file: code %d, %v", errs.Code(err), err)
	}
	if err := clitest.Exec(inspect.NewCmdInspect(f, nil), prefix+".pub"); errs.Code(err) != errs.Integrity {
		t.Errorf("a PEM file: code %d, %v", errs.Code(err), err)
	}

	// A private key others can read is refused, and nothing is written.
	os.Chmod(prefix+".key", 0o644)
	again := filepath.Join(dir, "again.mlz")
	if err := clitest.Exec(export.NewCmdExport(f, nil), "-c", "demo", "gbm-1", "-o", again, "--sign-key", prefix+".key"); errs.Code(err) != errs.Usage {
		t.Errorf("world-readable key: %v", err)
	}
	if _, err := os.Stat(again); err == nil {
		t.Error("artifact written with a refused key")
	}
	if err := clitest.Exec(export.NewCmdExport(f, nil), "-c", "demo", "nope", "-o", again); errs.Code(err) != errs.NotFound {
		t.Errorf("unknown model: %v", err)
	}
}
