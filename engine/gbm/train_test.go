package gbm_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
	"github.com/mlctl/mlctl/scoring"
)

// writeData writes rows of: x1 numeric with NAs, x2 numeric, c categorical
// (12 levels, an effect), w weights, and the responses yb (0/1), yr (real),
// yc (3 classes), yp (counts).
func writeData(t *testing.T, rows int, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	var b strings.Builder
	b.WriteString("x1,x2,c,w,yb,yr,yc,yp\n")
	for i := 0; i < rows; i++ {
		x1 := rng.NormFloat64()
		x2 := rng.Float64() * 10
		lvl := rng.IntN(12)
		eff := []float64{-1, 0.5, 1, -0.5, 0, 2, -2, 0.3, 0.7, -1.2, 1.5, 0}[lvl]
		f := math.Sin(x2) + eff
		x1s := fmt.Sprintf("%.6g", x1)
		if rng.IntN(15) == 0 {
			x1s = ""
			f += 0.8
		} else {
			f += x1 * x1
		}
		yb := 0
		if rng.Float64() < 1/(1+math.Exp(-f+1)) {
			yb = 1
		}
		yc := []string{"lo", "mid", "hi"}[min(2, max(0, int(f+1.5)))]
		if rng.IntN(10) == 0 {
			yc = []string{"lo", "mid", "hi"}[rng.IntN(3)]
		}
		yp := poisson(rng, math.Exp(f/2))
		fmt.Fprintf(&b, "%s,%.6g,L%02d,%.3g,%d,%.6g,%s,%d\n", x1s, x2, lvl, 0.5+rng.Float64(), yb, f+rng.NormFloat64()*0.3, yc, yp)
	}
	path := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func poisson(rng *rand.Rand, mu float64) int {
	l, k, p := math.Exp(-mu), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// The loss that training tracks on its binned rows equals the loss of the
// finished scoring model on the raw rows: binning and thresholds, NA
// directions and categorical sets route every row the same way.
func TestTrainingAgreesWithScoringModel(t *testing.T) {
	c := proctest.Start(t, 2, 16<<10)
	path := writeData(t, 6000, 1)
	c.Import(t, api.ImportRequest{Paths: []string{path}, Name: "d"})
	cases := []struct {
		target, dist, metric string
	}{
		{"yb", "bernoulli", "logloss"},
		{"yr", "gaussian", "deviance"},
		{"yc", "multinomial", "logloss"},
		{"yp", "poisson", "deviance"},
	}
	for _, tc := range cases {
		t.Run(tc.dist, func(t *testing.T) {
			ign := []string{"yb", "yr", "yc", "yp"}
			var keep []string
			for _, y := range ign {
				if y != tc.target {
					keep = append(keep, y)
				}
			}
			m, body := c.TrainBody(t, api.TrainRequest{Algo: "gbm", ModelID: "m_" + tc.dist, Frame: "d", Target: tc.target, Ignore: keep, WeightsColumn: "w", Seed: 3,
				GBM: &api.GBMParams{NTrees: 15, MaxDepth: 4, Distribution: tc.dist, MinRows: 5}}, time.Minute)
			if len(m.ScoringHistory) != 15 {
				t.Fatalf("%d history entries", len(m.ScoringHistory))
			}
			last := *m.ScoringHistory[len(m.ScoringHistory)-1].Train
			var got float64
			switch tc.metric {
			case "logloss":
				got = m.Metrics.Train["logloss"].(float64)
			case "deviance":
				// the history's deviance is the weighted mean
				got = m.Metrics.Train["mean_residual_deviance"].(float64)
			}
			if math.Abs(got-last) > 1e-9*math.Abs(last) {
				t.Errorf("training history says %s %.15g, the final metrics %.15g", tc.metric, last, got)
			}
			// The scoring model, applied to the raw CSV rows here, gives the
			// same loss: bins and thresholds, NA directions and categorical
			// sets route every row as training did.
			var gm scoring.GBM
			if err := json.Unmarshal(body, &gm); err != nil {
				t.Fatal(err)
			}
			if own := scoreCSV(t, path, &gm, tc.target, tc.dist); math.Abs(own-last) > 1e-9*math.Abs(last) {
				t.Errorf("the scoring model on the CSV gives %s %.15g, training %.15g", tc.metric, own, last)
			}
			if first := *m.ScoringHistory[0].Train; !(last < first) {
				t.Errorf("%s did not fall: %g then %g", tc.metric, first, last)
			}
			if len(m.VariableImportance) != 3 || m.VariableImportance[0].Relative != 1 {
				t.Errorf("variable importance %+v", m.VariableImportance)
			}
		})
	}
}

// scoreCSV scores the test data's rows with m and returns the weighted mean
// logloss (classification) or deviance (regression).
func scoreCSV(t *testing.T, path string, m *scoring.GBM, target, dist string) float64 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	row := make([]float64, m.Schema.RowLen())
	out := make([]float64, max(2, len(m.Schema.Classes)))
	var sw, sl float64
	for _, r := range recs[1:] {
		for j, ft := range m.Schema.Features {
			v := r[col[ft.Name]]
			switch {
			case v == "":
				row[j] = math.NaN()
			case ft.Type == scoring.Categorical:
				row[j] = math.NaN()
				for c, l := range ft.Domain {
					if l == v {
						row[j] = float64(c)
					}
				}
			default:
				row[j], _ = strconv.ParseFloat(v, 64)
			}
		}
		w, _ := strconv.ParseFloat(r[col["w"]], 64)
		m.Predict(row, out)
		yv := r[col[target]]
		var l float64
		switch dist {
		case "bernoulli", "multinomial":
			k := 0
			if dist == "bernoulli" {
				k, _ = strconv.Atoi(yv)
			} else {
				for c, name := range m.Schema.Classes {
					if name == yv {
						k = c
					}
				}
			}
			l = -math.Log(math.Min(math.Max(out[k], 1e-15), 1-1e-15))
		case "poisson":
			y, _ := strconv.ParseFloat(yv, 64)
			l = 2 * (out[0] - y)
			if y > 0 {
				l += 2 * y * math.Log(y/out[0])
			}
		default:
			y, _ := strconv.ParseFloat(yv, 64)
			l = (y - out[0]) * (y - out[0])
		}
		sw += w
		sl += w * l
	}
	return sl / sw
}

func TestEarlyStoppingAndCrossValidation(t *testing.T) {
	c := proctest.Start(t, 1, 32<<10)
	c.Import(t, api.ImportRequest{Paths: []string{writeData(t, 3000, 2)}, Name: "tr"})
	c.Import(t, api.ImportRequest{Paths: []string{writeData(t, 2000, 3)}, Name: "va"})
	m := c.Train(t, api.TrainRequest{Algo: "gbm", ModelID: "es", Frame: "tr", Valid: "va", Target: "yb", Ignore: []string{"yr", "yc", "yp", "w"}, Seed: 1,
		GBM: &api.GBMParams{NTrees: 300, MaxDepth: 6, LearnRate: 0.3, StoppingRounds: 3}}, time.Minute)
	if m.Iterations >= 300 || len(m.Warnings) == 0 {
		t.Errorf("early stopping did not stop: %d trees, warnings %v", m.Iterations, m.Warnings)
	}
	cv := c.Train(t, api.TrainRequest{Algo: "gbm", ModelID: "cv", Frame: "tr", Target: "yb", Ignore: []string{"yr", "yc", "yp", "w"}, NFolds: 3, Seed: 1,
		GBM: &api.GBMParams{NTrees: 10, MaxDepth: 3}}, time.Minute)
	if len(cv.CVFolds) != 3 || cv.Metrics.CV["auc"] == nil {
		t.Fatalf("cv folds %d, cv metrics %v", len(cv.CVFolds), cv.Metrics.CV)
	}
	mean := 0.0
	for _, f := range cv.CVFolds {
		mean += f["auc"].(float64) / 3
	}
	if math.Abs(mean-cv.Metrics.CV["auc"].(float64)) > 1e-12 {
		t.Errorf("cv auc %v is not the mean of the folds' %v", cv.Metrics.CV["auc"], mean)
	}
}

func TestCancelStopsWithinATreeAndLeavesClusterUsable(t *testing.T) {
	c := proctest.Start(t, 2, 16<<10)
	c.Import(t, api.ImportRequest{Paths: []string{writeData(t, 20000, 4)}, Name: "d"})
	ctx := context.Background()
	j, err := c.Client.Train(ctx, api.TrainRequest{Algo: "gbm", ModelID: "long", Frame: "d", Target: "yr", Ignore: []string{"yb", "yc", "yp"},
		GBM: &api.GBMParams{NTrees: 100000, MaxDepth: 8}})
	if err != nil {
		t.Fatal(err)
	}
	for {
		jj, _ := c.Client.Job(ctx, j.ID)
		if jj.Progress > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	jj, err := c.Client.CancelJob(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if jj.State != "cancelled" {
		t.Fatalf("state %q after cancel, want cancelled", jj.State)
	}
	t.Logf("cancelled in %v", time.Since(start))
	if _, err := c.Client.Model(ctx, "long"); err == nil {
		t.Error("a cancelled job left a model")
	}
	jobs, err := c.Client.Jobs(ctx)
	if err != nil || len(jobs) < 2 {
		t.Fatalf("jobs %v %v", jobs, err)
	}
	// the cluster goes on: train something small
	m := c.Train(t, api.TrainRequest{Algo: "gbm", ModelID: "after", Frame: "d", Target: "yr", Ignore: []string{"yb", "yc", "yp"},
		GBM: &api.GBMParams{NTrees: 3}}, time.Minute)
	if m.Iterations != 3 {
		t.Errorf("after cancel: %d trees", m.Iterations)
	}
	frames, _ := c.Client.Frames(ctx)
	if len(frames) != 1 {
		t.Errorf("working frames left behind: %v", frames)
	}
}

func TestLostNodeFailsTrainingNamingIt(t *testing.T) {
	c := proctest.Start(t, 3, 16<<10)
	c.Import(t, api.ImportRequest{Paths: []string{writeData(t, 20000, 5)}, Name: "d"})
	ctx := context.Background()
	j, err := c.Client.Train(ctx, api.TrainRequest{Algo: "gbm", ModelID: "doomed", Frame: "d", Target: "yr", Ignore: []string{"yb", "yc", "yp"},
		GBM: &api.GBMParams{NTrees: 100000, MaxDepth: 6}})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if jj, _ := c.Client.Job(ctx, j.ID); jj.Progress > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.Cancels[2]() // node 2 dies mid-training
	start := time.Now()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	jj, err := c.Client.WaitJob(wctx, j.ID, nil)
	if err == nil || jj == nil || jj.State != "failed" {
		t.Fatalf("job after a lost node: %+v, %v", jj, err)
	}
	if !strings.Contains(jj.Error, "node 2") {
		t.Errorf("error %q does not name node 2", jj.Error)
	}
	t.Logf("failed after %v: %s", time.Since(start).Round(time.Millisecond), jj.Error)
	for {
		st, err := c.Client.Cloud(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Healthy {
			break
		}
		if time.Since(start) > 3*time.Second {
			t.Fatalf("cloud still healthy %v after losing a node", time.Since(start))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
