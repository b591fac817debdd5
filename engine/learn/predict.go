package learn

import (
	"context"
	"math"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/scoring"
)

type predictArgs struct {
	Model     Box
	Bind      Binding
	Threshold float64 // binomial: class 1 when p1 >= Threshold
}

var predictTask = mr.Register(&mr.Func[predictArgs, int64]{
	Name: "learn.predict",
	Chunk: func(a predictArgs, c *mr.Chunk) (int64, error) {
		m := a.Model.Model()
		classes := m.ModelSchema().Classes
		width := len(m.Outputs())
		var blk Block
		a.Bind.Decode(c.Cols, &blk)
		row := make([]float64, m.ModelSchema().RowLen())
		pred := make([]float64, width)
		label := make([]float64, blk.N)
		probs := make([][]float64, 0, width)
		if len(classes) > 0 {
			for range width {
				probs = append(probs, make([]float64, blk.N))
			}
		}
		for i := 0; i < blk.N; i++ {
			blk.Row(i, row)
			m.Predict(row, pred)
			switch {
			case len(classes) == 0:
				label[i] = pred[0]
			case len(classes) == 2:
				label[i] = 0
				if pred[1] >= a.Threshold {
					label[i] = 1
				}
			default:
				best := 0
				for k := 1; k < width; k++ {
					if pred[k] > pred[best] {
						best = k
					}
				}
				label[i] = float64(best)
			}
			for k := range probs {
				probs[k][i] = pred[k]
			}
		}
		cols := []chunk.Chunk{chunk.EncodeNumeric(label)}
		for _, p := range probs {
			cols = append(cols, chunk.EncodeNumeric(p))
		}
		c.Emit(cols)
		return int64(blk.N), nil
	},
	Reduce: func(a, b int64) int64 { return a + b },
})

// PredictionColumns are the columns predict makes: "predict" (the value,
// or the class label), then "p_<class>" per class.
func PredictionColumns(s *scoring.Schema) []frame.Column {
	if len(s.Classes) == 0 {
		return []frame.Column{{Name: "predict", Type: frame.Numeric}}
	}
	cols := []frame.Column{{Name: "predict", Type: frame.Categorical, Domain: s.Classes}}
	for _, c := range s.Classes {
		cols = append(cols, frame.Column{Name: "p_" + c, Type: frame.Numeric})
	}
	return cols
}

// Predict scores f with m into a new frame called name, with f's chunk
// layout; threshold is the binomial cut (NaN: 0.5).
func Predict(ctx context.Context, ex mr.Executor, m scoring.Model, f *frame.Frame, name string, threshold float64) (*frame.Frame, error) {
	b, err := Bind(m.ModelSchema(), f, "", false)
	if err != nil {
		return nil, err
	}
	box, err := BoxOf(m)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(threshold) {
		threshold = 0.5
	}
	out := &frame.Frame{Name: name, Columns: PredictionColumns(m.ModelSchema()), Source: "predict of " + f.Name}
	if _, err := predictTask.RunIn(ctx, ex, mr.Input{Frame: f, Output: out}, predictArgs{Model: box, Bind: *b, Threshold: threshold}); err != nil {
		return nil, err
	}
	return out, nil
}
