package glm_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
)

// The same data and parameters give the same coefficients, to the bit, on
// 1, 2 and 3 nodes (compared as the serialized scoring model), for IRLSM
// with elastic net, lambda search and L-BFGS.
func TestGLMBitIdenticalAcrossNodeCounts(t *testing.T) {
	abs, _ := filepath.Abs("testdata/credit.csv")
	half, zero := 0.5, 0.0
	reqs := []api.TrainRequest{
		{Algo: "glm", Target: "default", WeightsColumn: "w", GLM: &api.GLMParams{Family: "binomial", Alpha: &half, LambdaSearch: true, NLambdas: 8}},
		{Algo: "glm", Target: "default", GLM: &api.GLMParams{Family: "binomial", Alpha: &zero, Lambda: &zero, Solver: "lbfgs"}},
		{Algo: "glm", Target: "income", GLM: &api.GLMParams{Family: "gaussian", Lambda: &zero}},
	}
	bodies := make([][][]byte, len(reqs))
	for _, n := range []int{1, 2, 3} {
		c := proctest.Start(t, n, 4<<10)
		c.Import(t, api.ImportRequest{Paths: []string{abs}, Name: "credit"})
		for i, req := range reqs {
			req.Frame = "credit"
			req.ModelID = fmt.Sprintf("m%d", i)
			_, body := c.TrainBody(t, req, time.Minute)
			bodies[i] = append(bodies[i], body)
		}
	}
	for i := range reqs {
		for n := 1; n < 3; n++ {
			if !bytes.Equal(bodies[i][0], bodies[i][n]) {
				t.Errorf("request %d: the model on %d nodes differs from 1 node", i, n+1)
			}
		}
	}
}

// A split can leave a categorical level with no training rows: its
// coefficient is 0 and the fit goes on (it used to be "singular").
func TestLevelWithoutTrainingRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("x,c,y\n")
	rng := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 400; i++ {
		c := []string{"a", "b", "c"}[rng.IntN(3)]
		if i == 7 {
			c = "rare"
		}
		x := rng.NormFloat64()
		fmt.Fprintf(&b, "%.6g,%s,%.6g\n", x, c, 2*x+float64(len(c))+rng.NormFloat64())
	}
	path := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	c := proctest.Start(t, 1, 0)
	c.Import(t, api.ImportRequest{Paths: []string{path}, Name: "r"})
	if _, err := c.Client.Split(context.Background(), api.SplitRequest{Frame: "r", Ratios: []float64{0.5, 0.5}, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	zero := 0.0
	lacking := 0
	for _, part := range []string{"r_0", "r_1"} {
		m := c.Train(t, api.TrainRequest{Algo: "glm", ModelID: "m" + part, Frame: part, Target: "y", GLM: &api.GLMParams{Lambda: &zero}}, time.Minute)
		if m.Coefficients["c.rare"] == 0 {
			lacking++
			if _, ok := m.StdErrors["c.rare"]; ok {
				t.Errorf("%s: a standard error for a level without rows", part)
			}
			if len(m.Warnings) == 0 {
				t.Errorf("%s: no warning about the empty level", part)
			}
		}
		if math.Abs(m.Coefficients["x"]-2) > 0.3 {
			t.Errorf("%s: x coefficient %v, want about 2", part, m.Coefficients["x"])
		}
	}
	if lacking != 1 {
		t.Errorf("%d parts lack the rare level, want 1", lacking)
	}
}
