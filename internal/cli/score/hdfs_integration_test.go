package score

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/cli/model/artifactio"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/testcluster"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/scoring"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// On the secure test cluster (Kerberos, WebHDFS over TLS): the model, the
// input and the output all on HDFS, text and Parquet. The output equals
// scoring the same file locally, and no temporary file is left beside it.
func TestScoreOnSecureHDFS(t *testing.T) {
	tc := testcluster.Secure(t)
	tc.Gateway(t)
	y := launcher.NewYARN(t.TempDir(), "/nonexistent")
	ctx := context.Background()
	g, err := y.HDFS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	local := writeFile(t, dir, "in.csv", flightsCSV(3000, 3, true, 0, false, false))
	s := scoring.Schema{Features: []scoring.Feature{{Name: "Distance", Type: scoring.Numeric}, {Name: "Origin", Type: scoring.Categorical, Domain: []string{"ATL", "DEN", "ORD"}}},
		Response: "IsDelayed", Classes: []string{"0", "1"}}
	tree := scoring.Tree{Feature: []int32{0, 1, -1, -1, -1}, Threshold: []float64{1000, 0, 0, 0, 0}, Flags: []uint8{scoring.FlagNALeft, scoring.FlagCat, 0, 0, 0},
		CatStart: make([]int32, 5), CatWords: []int32{0, 1, 0, 0, 0}, Cats: []uint64{0b101}, Left: []int32{1, 3, -1, -1, -1}, Right: []int32{2, 4, -1, -1, -1},
		Value: []float64{0, 0, 0.5, -0.25, 0.75}, Cover: []float64{4, 2, 2, 1, 1}}
	model := writeModel(t, &scoring.GBM{Schema: s, Distribution: "bernoulli", InitF: []float64{0.1}, Trees: []scoring.Tree{tree}}, 0.5)
	base := fmt.Sprintf("/user/%s/score-%d", tc.User, time.Now().UnixNano())
	defer g.Delete(ctx, base, true)
	for name, p := range map[string]string{"in.csv": local, "m.mlz": model} {
		b, _ := os.ReadFile(p)
		if err := g.WriteFileAtomic(ctx, base+"/"+name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := env{hdfs: g}
	want, _, err := e.run(t, model, local, "-o", "-", "--keep", "id")
	if err != nil {
		t.Fatal(err)
	}
	url := "hdfs://" + base
	if _, stderr, err := e.run(t, url+"/m.mlz", url+"/in.csv", "-o", url+"/out.csv", "--keep", "id"); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	got, err := artifactio.ReadFile(ctx, func(context.Context) (cmdutil.HDFS, error) { return g, nil }, url+"/out.csv")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("scored on HDFS (%d bytes) differs from scored locally (%d bytes)", len(got), len(want))
	}
	// Parquet out, then that Parquet file (ranged reads) in.
	if _, stderr, err := e.run(t, url+"/m.mlz", url+"/in.csv", "-o", url+"/out.parquet", "--keep", "id,Origin,Distance"); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if out, stderr, err := e.run(t, url+"/m.mlz", url+"/out.parquet", "-o", "-"); err != nil || !strings.HasPrefix(out, "predict,p_0,p_1\n") {
		t.Fatalf("scoring the Parquet output: %v\n%s\n%.200s", err, stderr, out)
	}
	ls, err := g.List(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range ls {
		names = append(names, f.PathSuffix)
	}
	if strings.Join(names, ",") != "in.csv,m.mlz,out.csv,out.parquet" {
		t.Errorf("files on HDFS after scoring: %v", names)
	}
}
