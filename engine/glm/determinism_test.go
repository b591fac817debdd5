package glm_test

import (
	"bytes"
	"fmt"
	"path/filepath"
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
