package learn

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/metrics"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/scoring"
)

// Kinds of model.
const (
	Regression  = "regression"
	Binomial    = "binomial"
	Multinomial = "multinomial"
)

type scoreArgs struct {
	Model Box
	Bind  Binding
	Folds Folds
}

// Scored is a frame's rows with a weight above 0: responses, the model's
// outputs (row-major, Width per row) and weights, in chunk order.
type Scored struct {
	Y, P, W []float64
	Width   int
}

var scoreTask = mr.Register(&mr.Func[scoreArgs, Scored]{
	Name: "learn.score",
	Chunk: func(a scoreArgs, c *mr.Chunk) (Scored, error) {
		m := a.Model.Model()
		width := len(m.Outputs())
		var blk Block
		a.Bind.Decode(c.Cols, &blk)
		a.Folds.Apply(c.Index, blk.W)
		row := make([]float64, m.ModelSchema().RowLen())
		out := Scored{Width: width}
		pred := make([]float64, width)
		for i := 0; i < blk.N; i++ {
			w := blk.W[i]
			if !(w > 0) || math.IsNaN(blk.Y[i]) {
				continue
			}
			blk.Row(i, row)
			m.Predict(row, pred)
			out.Y = append(out.Y, blk.Y[i])
			out.W = append(out.W, w)
			out.P = append(out.P, pred...)
		}
		return out, nil
	},
	Reduce: func(a, b Scored) Scored {
		a.Y = append(a.Y, b.Y...)
		a.P = append(a.P, b.P...)
		a.W = append(a.W, b.W...)
		if a.Width == 0 {
			a.Width = b.Width
		}
		return a
	},
})

// Score gathers a frame's labelled rows scored by m.
func Score(ctx context.Context, ex mr.Executor, m scoring.Model, f *frame.Frame, weights string, folds Folds) (*Scored, error) {
	b, err := Bind(m.ModelSchema(), f, weights, true)
	if err != nil {
		return nil, err
	}
	box, err := BoxOf(m)
	if err != nil {
		return nil, err
	}
	s, err := scoreTask.Run(ctx, ex, f, scoreArgs{Model: box, Bind: *b, Folds: folds})
	if err != nil {
		return nil, err
	}
	if s.Width == 0 {
		s.Width = len(m.Outputs())
	}
	return &s, nil
}

// Evaluate computes a model's metrics on a frame as a JSON-ready map.
// distribution names the regression deviance ("gaussian", "poisson", ...).
func Evaluate(ctx context.Context, ex mr.Executor, m scoring.Model, f *frame.Frame, weights string, folds Folds, distribution string, power float64) (map[string]any, error) {
	s, err := Score(ctx, ex, m, f, weights, folds)
	if err != nil {
		return nil, err
	}
	return MetricsOf(s, m.ModelSchema().Classes, distribution, power)
}

// MetricsOf computes metrics from scored rows.
func MetricsOf(s *Scored, classes []string, distribution string, power float64) (map[string]any, error) {
	if len(s.Y) == 0 {
		return nil, fmt.Errorf("no rows with a response and a positive weight to compute metrics on")
	}
	var v any
	var err error
	switch {
	case len(classes) == 0:
		r, err := metrics.ComputeRegression(s.Y, s.P, s.W, distribution, power)
		if err != nil {
			return nil, err
		}
		nan := math.IsNaN(r.R2)
		if nan {
			r.R2 = 0
		}
		m, err := toMap(r)
		if err != nil {
			return nil, err
		}
		if nan {
			m["r2"] = nil // a constant response has no R²
		}
		// deviance is the total residual deviance, as R and statsmodels
		// report it, for every algorithm; the mean beside it.
		sw := 0.0
		for _, w := range s.W {
			sw += w
		}
		m["mean_residual_deviance"] = r.Deviance
		m["deviance"] = r.Deviance * sw
		return m, nil
	case len(classes) == 2:
		p1 := make([]float64, len(s.Y))
		for i := range p1 {
			p1[i] = s.P[i*s.Width+1]
		}
		var b metrics.Binomial
		b, err = metrics.ComputeBinomial(s.Y, p1, s.W, classes)
		v = b
	default:
		var mm metrics.Multinomial
		mm, err = metrics.ComputeMultinomial(s.Y, s.P, len(classes), s.W, classes)
		v = mm
	}
	if err != nil {
		return nil, err
	}
	return toMap(v)
}

func toMap(v any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(raw, &m)
}
