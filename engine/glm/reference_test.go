package glm_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
)

// reference is testdata/reference.json, written by
// testdata/reference/gen.py (statsmodels, scikit-learn; versions inside).
type reference struct {
	Generator string            `json:"generator"`
	Libraries map[string]string `json:"libraries"`
	Cases     []struct {
		Name         string   `json:"name"`
		Data         string   `json:"data"`
		Family       string   `json:"family"`
		Link         string   `json:"link"`
		Target       string   `json:"target"`
		Weights      string   `json:"weights"`
		Offset       string   `json:"offset"`
		Ignore       []string `json:"ignore"`
		Alpha        float64  `json:"alpha"`
		Lambda       float64  `json:"lambda"`
		Standardize  bool     `json:"standardize"`
		Intercept    bool     `json:"intercept"`
		TweediePower float64  `json:"tweedie_power"`
		Expected     struct {
			Coefficients    map[string]float64 `json:"coefficients"`
			StdCoefficients map[string]float64 `json:"std_coefficients"`
			StdErrors       map[string]float64 `json:"std_errors"`
			ZValues         map[string]float64 `json:"z_values"`
			PValues         map[string]float64 `json:"p_values"`
			Deviance        float64            `json:"deviance"`
			NullDeviance    float64            `json:"null_deviance"`
			AIC             *float64           `json:"aic"`
		} `json:"expected"`
	} `json:"cases"`
}

func TestMatchesReference(t *testing.T) {
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) < 8 {
		t.Fatalf("only %d reference cases", len(ref.Cases))
	}
	c := proctest.Start(t, 2, 8<<10)
	imported := map[string]bool{}
	for _, tc := range ref.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			name := tc.Data[:len(tc.Data)-len(filepath.Ext(tc.Data))]
			if !imported[name] {
				abs, _ := filepath.Abs(filepath.Join("testdata", tc.Data))
				c.Import(t, api.ImportRequest{Paths: []string{abs}, Name: name})
				imported[name] = true
			}
			alpha, lambda, std, icpt := tc.Alpha, tc.Lambda, tc.Standardize, tc.Intercept
			req := api.TrainRequest{Algo: "glm", ModelID: tc.Name, Frame: name, Target: tc.Target, Ignore: tc.Ignore,
				WeightsColumn: tc.Weights, OffsetColumn: tc.Offset,
				GLM: &api.GLMParams{Family: tc.Family, Alpha: &alpha, Lambda: &lambda, Standardize: &std, Intercept: &icpt, TweediePower: tc.TweediePower}}
			if tc.Link != "" && tc.Link != "softmax" {
				req.GLM.Link = tc.Link
			}
			m := c.Train(t, req, time.Minute)
			e := tc.Expected
			compare(t, "coefficient", m.Coefficients, e.Coefficients, 1e-6)
			if tc.Standardize {
				compare(t, "std coefficient", m.StdCoefficients, e.StdCoefficients, 1e-6)
			}
			if e.StdErrors != nil {
				compare(t, "std error", m.StdErrors, e.StdErrors, 1e-6)
				compare(t, "z value", m.ZValues, e.ZValues, 1e-6)
			}
			close(t, "deviance", num(m.Metrics.Train["deviance"]), e.Deviance, 1e-6)
			close(t, "null deviance", num(m.Metrics.Train["null_deviance"]), e.NullDeviance, 1e-6)
			if e.AIC != nil {
				close(t, "aic", num(m.Metrics.Train["aic"]), *e.AIC, 1e-6)
			}
			if tc.Alpha == 0 && tc.Family != "multinomial" {
				// L-BFGS, the solver for designs too wide for a Gram, reaches
				// the same optimum.
				req.ModelID += "_lbfgs"
				req.GLM.Solver = "lbfgs"
				lm := c.Train(t, req, time.Minute)
				compare(t, "L-BFGS coefficient", lm.Coefficients, e.Coefficients, 1e-5)
			}
		})
	}
	_ = context.Background
}

func num(v any) float64 {
	f, ok := v.(float64)
	if !ok {
		return math.NaN()
	}
	return f
}

func close(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))) {
		t.Errorf("%s = %.12g, want %.12g (rel diff %.2g)", what, got, want, math.Abs(got-want)/math.Max(1e-300, math.Abs(want)))
	}
}

// compare checks every expected entry to tol relative (absolute for
// values below 1, and exact zeros stay zero within 1e-9).
func compare(t *testing.T, what string, got, want map[string]float64, tol float64) {
	t.Helper()
	var names []string
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		g, ok := got[n]
		if !ok {
			t.Errorf("%s %s: missing (have %d)", what, n, len(got))
			continue
		}
		w := want[n]
		if w == 0 {
			if math.Abs(g) > 1e-9 {
				t.Errorf("%s %s = %.12g, want exactly 0", what, n, g)
			}
			continue
		}
		close(t, what+" "+n, g, w, tol)
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d names, want %d", what, len(got), len(want))
	}
}
