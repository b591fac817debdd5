package lineage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
)

func writeCSV(t *testing.T, rows int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	var b strings.Builder
	b.WriteString("x,c,y\n")
	for i := 0; i < rows; i++ {
		x := fmt.Sprint(rng.NormFloat64())
		if i%17 == 0 {
			x = ""
		}
		c := []string{"red", "green", "blue"}[rng.IntN(3)]
		fmt.Fprintf(&b, "%s,%s,%d\n", x, c, rng.IntN(2))
	}
	p := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func profileOn(t *testing.T, nodes int, path string) *api.ModelExport {
	c := proctest.Start(t, nodes, 8<<10)
	c.Import(t, api.ImportRequest{Paths: []string{path}, Name: "d", ColTypes: map[string]string{"y": "categorical"}})
	c.Train(t, api.TrainRequest{Algo: "gbm", ModelID: "m", Frame: "d", Target: "y", Seed: 1, GBM: &api.GBMParams{NTrees: 3, MaxDepth: 2}}, time.Minute)
	ex, err := c.Client.ModelExport(context.Background(), "m")
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// The fingerprint depends on the data, not on the number of nodes, and the
// baseline counts every row once.
func TestProfileSameOnAnyNodeCount(t *testing.T) {
	const rows = 3000
	path := writeCSV(t, rows)
	one, three := profileOn(t, 1, path), profileOn(t, 3, path)
	p1, p3 := one.Profile, three.Profile
	if p1 == nil || p3 == nil || !strings.HasPrefix(p1.Fingerprint, "sha256:") || p1.Fingerprint != p3.Fingerprint {
		t.Fatalf("fingerprints %+v and %+v", p1, p3)
	}
	if p1.Rows != rows || one.Sources[0] != path {
		t.Errorf("rows %d, sources %v", p1.Rows, one.Sources)
	}
	for _, p := range []*api.ModelProfile{p1, p3} {
		for _, h := range p.Baseline.Features {
			n := h.Missing
			for _, c := range h.Counts {
				n += c
			}
			if n != rows {
				t.Errorf("feature %s: %d rows counted, want %d", h.Name, n, rows)
			}
			if h.Name == "x" && (h.Missing != (rows+16)/17 || len(h.Edges) < 10 || len(h.Counts) != len(h.Edges)+1) {
				t.Errorf("x: missing %d, %d edges", h.Missing, len(h.Edges))
			}
			if h.Name == "c" && len(h.Counts) != 3 {
				t.Errorf("c: %v", h.Counts)
			}
		}
		var n int64
		for _, c := range p.Baseline.Prediction.Counts {
			n += c
		}
		if n != rows || p.Baseline.Prediction.Name != "p_1" {
			t.Errorf("prediction histogram %+v", p.Baseline.Prediction)
		}
	}
	if len(p1.Example.Rows) != 5 || p1.Example.Columns[1] != "c" || p1.Example.Rows[0][0] != "" {
		t.Errorf("example %+v", p1.Example)
	}
	// Different data, a different fingerprint.
	other := profileOn(t, 1, writeCSV(t, rows+1))
	if other.Profile.Fingerprint == p1.Fingerprint {
		t.Error("different data, same fingerprint")
	}
}
