package metrics

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestComputeRegression(t *testing.T) {
	// y = 1 2 3 4, pred = 1.5 2 2.5 5: residuals -.5 0 .5 -1, SSE 1.5,
	// mean y 2.5, SST 5. Weighted 1 2 3 4: SSE 5, sum(w|r|) 6, mean y 3,
	// SST 10, W 10.
	y := []float64{1, 2, 3, 4}
	pred := []float64{1.5, 2, 2.5, 5}
	w := []float64{1, 2, 3, 4}
	tests := []struct {
		name  string
		y, p  []float64
		w     []float64
		dist  string
		power float64
		want  Regression
	}{
		{"gaussian", y, pred, nil, "gaussian", 0,
			Regression{RMSE: 0.6123724356957945, MAE: 0.5, R2: 0.7, Deviance: 0.375, NObs: 4}},
		{"gaussian weighted", y, pred, w, "gaussian", 0,
			Regression{RMSE: 0.7071067811865476, MAE: 0.6, R2: 0.5, Deviance: 0.5, NObs: 4}},
		// 2/4 * sum(y log(y/mu) - (y-mu)) computed term by term.
		{"poisson", y, pred, nil, "poisson", 0,
			Regression{RMSE: 0.6123724356957945, MAE: 0.5, R2: 0.7, Deviance: 0.12446267850843026, NObs: 4}},
		{"gamma", y, pred, nil, "gamma", 0,
			Regression{RMSE: 0.6123724356957945, MAE: 0.5, R2: 0.7, Deviance: 0.05647688464754312, NObs: 4}},
		{"tweedie 1.5", y, pred, nil, "tweedie", 1.5,
			Regression{RMSE: 0.6123724356957945, MAE: 0.5, R2: 0.7, Deviance: 0.08056762286639918, NObs: 4}},
		// Power 3 is the inverse gaussian: mean((y-mu)^2 / (y mu^2)) =
		// (1/9 + 0 + 1/75 + 1/100) / 4 = 121/3600.
		{"tweedie 3", y, pred, nil, "tweedie", 3,
			Regression{RMSE: 0.6123724356957945, MAE: 0.5, R2: 0.7, Deviance: 121.0 / 3600, NObs: 4}},
		{"tweedie 0 is gaussian", y, pred, nil, "tweedie", 0,
			Regression{RMSE: 0.6123724356957945, MAE: 0.5, R2: 0.7, Deviance: 0.375, NObs: 4}},
		{"tweedie 1 is poisson", y, pred, nil, "tweedie", 1,
			Regression{RMSE: 0.6123724356957945, MAE: 0.5, R2: 0.7, Deviance: 0.12446267850843026, NObs: 4}},
		{"tweedie 2 is gamma", y, pred, nil, "tweedie", 2,
			Regression{RMSE: 0.6123724356957945, MAE: 0.5, R2: 0.7, Deviance: 0.05647688464754312, NObs: 4}},
		// 0*log(0) = 0: the y = 0 row contributes 2*mu. Rows 2-4 are skipped.
		// Deviance = (2*.5 + 2*(2 ln 2 - 1)) / 2; mean y 1, SST 2, SSE .25+1.
		{"poisson zero count, skipped rows", []float64{0, 2, nan, 5, 7}, []float64{0.5, 1, 1, nan, 1},
			[]float64{1, 1, 1, 1, 0}, "poisson", 0,
			Regression{RMSE: math.Sqrt(1.25 / 2), MAE: 0.75, R2: 1 - 1.25/2, Deviance: 0.8862943611198906, NObs: 2}},
		{"tweedie 1.5 zero response", []float64{0, 1}, []float64{2, 1}, nil, "tweedie", 1.5,
			// y=0: 2*mu^0.5/0.5 = 4*sqrt 2; y=mu=1: 0.
			Regression{RMSE: math.Sqrt(2), MAE: 1, R2: -7, Deviance: 2 * math.Sqrt(2), NObs: 2}},
		{"perfect fit", y, y, w, "gaussian", 0,
			Regression{RMSE: 0, MAE: 0, R2: 1, Deviance: 0, NObs: 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ComputeRegression(tc.y, tc.p, tc.w, tc.dist, tc.power)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range [][3]any{
				{"RMSE", got.RMSE, tc.want.RMSE}, {"MAE", got.MAE, tc.want.MAE},
				{"R2", got.R2, tc.want.R2}, {"Deviance", got.Deviance, tc.want.Deviance},
			} {
				if g, w := c[1].(float64), c[2].(float64); !near(g, w, 1e-15) {
					t.Errorf("%s = %.17g, want %.17g", c[0], g, w)
				}
			}
			if got.NObs != tc.want.NObs {
				t.Errorf("NObs = %d, want %d", got.NObs, tc.want.NObs)
			}
		})
	}
}

// R2 is NA (NaN) when y has no variance; the other metrics stay defined.
func TestRegressionConstantResponse(t *testing.T) {
	for _, y := range [][]float64{{3}, {3, 3, 3}} {
		p := make([]float64, len(y))
		for i := range p {
			p[i] = 2 + float64(i)
		}
		got, err := ComputeRegression(y, p, nil, "gaussian", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(got.R2) || got.NObs != int64(len(y)) || got.MAE == 0 {
			t.Errorf("y = %v: got %+v, want R2 NaN and the rest defined", y, got)
		}
	}
}

// Tweedie deviance is continuous in the power: near 1 it approaches
// poisson, near 2 gamma.
func TestTweedieLimits(t *testing.T) {
	y := []float64{1, 2, 3, 4}
	pred := []float64{1.5, 2, 2.5, 5}
	for _, c := range []struct {
		dist string
		p    float64
	}{{"poisson", 1 + 1e-7}, {"gamma", 2 + 1e-7}, {"gamma", 2 - 1e-7}} {
		a, _ := ComputeRegression(y, pred, nil, c.dist, 0)
		b, err := ComputeRegression(y, pred, nil, "tweedie", c.p)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(a.Deviance-b.Deviance) > 1e-6 {
			t.Errorf("tweedie %v: deviance %v, %s %v", c.p, b.Deviance, c.dist, a.Deviance)
		}
	}
}

func TestComputeRegressionErrors(t *testing.T) {
	one := []float64{1, 2}
	tests := []struct {
		name  string
		y, p  []float64
		w     []float64
		dist  string
		power float64
		is    error
		msg   string
	}{
		{"pred length", one, []float64{1}, nil, "gaussian", 0, ErrLength, "len(pred) = 1, want 2"},
		{"w length", one, one, []float64{1, 1, 1}, "gaussian", 0, ErrLength, "len(w) = 3, want 2"},
		{"unknown distribution", one, one, nil, "binomial", 0, ErrBadValue, `distribution "binomial"`},
		{"empty distribution", one, one, nil, "", 0, ErrBadValue, `distribution ""`},
		{"tweedie power in (0,1)", one, one, nil, "tweedie", 0.5, ErrBadValue, "tweedie power 0.5"},
		{"tweedie power negative", one, one, nil, "tweedie", -1, ErrBadValue, "tweedie power -1"},
		{"tweedie power NaN", one, one, nil, "tweedie", nan, ErrBadValue, "tweedie power NaN"},
		{"negative weight", one, one, []float64{1, -2}, "gaussian", 0, ErrBadValue, "w[1] = -2"},
		{"NaN weight", one, one, []float64{nan, 1}, "gaussian", 0, ErrBadValue, "w[0] = NaN"},
		{"infinite y", []float64{1, math.Inf(1)}, one, nil, "gaussian", 0, ErrBadValue, "y[1] = +Inf"},
		{"infinite pred", one, []float64{math.Inf(-1), 1}, nil, "gaussian", 0, ErrBadValue, "pred[0] = -Inf"},
		{"poisson negative y", []float64{1, -1}, one, nil, "poisson", 0, ErrBadValue, "y[1] = -1, want a count >= 0"},
		{"poisson zero mean", one, []float64{0, 1}, nil, "poisson", 0, ErrBadValue, "pred[0] = 0, want a mean > 0"},
		{"gamma zero y", []float64{0, 1}, one, nil, "gamma", 0, ErrBadValue, "y[0] = 0, want a response > 0"},
		{"tweedie 1.5 negative y", []float64{-1, 1}, one, nil, "tweedie", 1.5, ErrBadValue, "y[0] = -1, want a response >= 0"},
		{"tweedie 3 zero y", []float64{0, 1}, one, nil, "tweedie", 3, ErrBadValue, "y[0] = 0, want a response > 0"},
		{"empty", nil, nil, nil, "gaussian", 0, ErrNoRows, "(of 0)"},
		{"all NaN", []float64{nan, 1}, []float64{1, nan}, nil, "gaussian", 0, ErrNoRows, "(of 2)"},
		{"all zero weight", one, one, []float64{0, 0}, "gaussian", 0, ErrNoRows, "(of 2)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ComputeRegression(tc.y, tc.p, tc.w, tc.dist, tc.power)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.is, tc.msg)
			}
		})
	}
}
