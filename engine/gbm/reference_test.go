package gbm_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
)

// reference is testdata/reference.json, written by
// testdata/reference/gen.py with XGBoost (hist) and LightGBM.
type gbmReference struct {
	Libraries map[string]string `json:"libraries"`
	Datasets  map[string]struct {
		Train, Valid, Target string
	} `json:"datasets"`
	Cases []struct {
		Dataset      string `json:"dataset"`
		Distribution string `json:"distribution"`
		Params       struct {
			NTrees    int     `json:"ntrees"`
			MaxDepth  int     `json:"max_depth"`
			LearnRate float64 `json:"learn_rate"`
			MinRows   float64 `json:"min_rows"`
		} `json:"params"`
		XGBoost  struct{ Valid map[string]float64 } `json:"xgboost"`
		LightGBM struct{ Valid map[string]float64 } `json:"lightgbm"`
	} `json:"cases"`
}

// Tolerances against the worse of the two peers (stated in
// docs/training.md): AUC at most 0.005 below; logloss, RMSE, MAE, error
// and Poisson deviance at most 2% above.
var tolerance = map[string]struct {
	higherIsBetter bool
	tol            float64
}{
	"auc": {true, 0.005}, "logloss": {false, 0.02}, "rmse": {false, 0.02}, "mae": {false, 0.02},
	"error": {false, 0.02}, "mean_poisson_deviance": {false, 0.02},
}

var ourName = map[string]string{"mean_poisson_deviance": "mean_residual_deviance"}

func TestComparableToXGBoostAndLightGBM(t *testing.T) {
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref gbmReference
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	c := proctest.Start(t, 2, 64<<10)
	for name, ds := range ref.Datasets {
		for _, f := range []string{ds.Train, ds.Valid} {
			abs, _ := filepath.Abs(filepath.Join("testdata", f))
			c.Import(t, api.ImportRequest{Paths: []string{abs}, Name: f[:len(f)-4]})
		}
		_ = name
	}
	for i, tc := range ref.Cases {
		ds := ref.Datasets[tc.Dataset]
		t.Run(fmt.Sprintf("%s_%dx%d", tc.Dataset, tc.Params.NTrees, tc.Params.MaxDepth), func(t *testing.T) {
			m := c.Train(t, api.TrainRequest{Algo: "gbm", ModelID: fmt.Sprintf("ref%d", i), Frame: ds.Train[:len(ds.Train)-4], Valid: ds.Valid[:len(ds.Valid)-4],
				Target: ds.Target, Seed: 1, GBM: &api.GBMParams{NTrees: tc.Params.NTrees, MaxDepth: tc.Params.MaxDepth, LearnRate: tc.Params.LearnRate,
					MinRows: tc.Params.MinRows, Distribution: tc.Distribution}}, 2*time.Minute)
			for metric, x := range tc.XGBoost.Valid {
				tl, ok := tolerance[metric]
				if !ok {
					continue
				}
				l := tc.LightGBM.Valid[metric]
				name := metric
				if n, ok := ourName[metric]; ok {
					name = n
				}
				got, ok := m.Metrics.Valid[name].(float64)
				if !ok {
					t.Errorf("no valid %s in %v", name, m.Metrics.Valid)
					continue
				}
				var bad bool
				if tl.higherIsBetter {
					bad = got < math.Min(x, l)-tl.tol
				} else {
					bad = got > math.Max(x, l)*(1+tl.tol)
				}
				t.Logf("%s: mlctl %.5f, xgboost %.5f, lightgbm %.5f", metric, got, x, l)
				if bad {
					t.Errorf("valid %s %.5f is outside the tolerance of xgboost %.5f and lightgbm %.5f", metric, got, x, l)
				}
			}
		})
	}
}
