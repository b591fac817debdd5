package score

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/engine/parse"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/scoring"
)

// batcher is scoring.Batcher, asserted here by its method so that this
// package does not depend on which models offer it: PredictBatch scores
// columns bit-identically to Predict on each row.
type batcher interface {
	PredictBatch(cols, out [][]float64)
}

// scorer is the model and what the output needs from the artifact.
type scorer struct {
	model     scoring.Model
	schema    *scoring.Schema
	batch     batcher             // nil: Predict row by row
	contrib   scoring.Contributor // nil without --contributions
	nout      int                 // len(model.Outputs())
	threshold float64             // binomial label cut
	contribs  []string            // contribution column names
}

func newScorer(a *scoring.Artifact, contributions bool) (*scorer, error) {
	m := a.Model
	s := &scorer{model: m, schema: m.ModelSchema(), nout: len(m.Outputs())}
	if b, ok := m.(batcher); ok {
		s.batch = b
	}
	// The cut the cluster's predict uses; an artifact written before the
	// manifest carried it (or with a value no probability can reach) gets
	// the cluster's default, 0.5.
	s.threshold = a.Manifest.Threshold
	if len(s.schema.Classes) == 2 && !(s.threshold > 0 && s.threshold <= 1) {
		s.threshold = 0.5
	}
	if contributions {
		c, ok := m.(scoring.Contributor)
		if !ok {
			return nil, errs.New(errs.Usage, fmt.Errorf("this %s model cannot split its predictions into contributions", m.Algo()), "score without --contributions")
		}
		s.contrib = c
		for _, n := range c.ContributionNames() {
			if !strings.HasPrefix(n, "contrib_") {
				n = "contrib_" + n
			}
			s.contribs = append(s.contribs, n)
		}
	}
	return s, nil
}

// scored is one block's output, columnar.
type scored struct {
	n       int
	keep    [][]string // per kept column
	keepNA  [][]bool   // per kept column: no value (written as an empty field, or a Parquet null)
	label   []int32    // classification: the class index of "predict"
	out     [][]float64
	contrib []float64 // row-major, len(contribs) per row
	unseen  []unseen  // per model input
	csv     []byte    // the rows as CSV, when the sink encodes in workers
}

// unseen counts a categorical input's levels the model does not know.
type unseen struct {
	count int
	row   int // the first one's row in the block
	value string
}

// score runs the model over a parsed block. keepText re-reads the block
// with plan.keepSetup when kept columns need their exact text.
func (s *scorer) score(pl *plan, res *parse.Result, keepText func() (*parse.Result, error)) (*scored, error) {
	n := res.Rows
	sc := &scored{n: n, unseen: make([]unseen, len(pl.inputs))}
	cols := make([][]float64, len(pl.inputs))
	for k, mi := range pl.inputs {
		c := &res.Cols[mi.col]
		if !mi.cat {
			cols[k] = c.Floats[:n]
			continue
		}
		codes := make([]float64, len(c.Domain)) // the block's code -> the model's (NaN: unseen)
		for i, l := range c.Domain {
			if v, ok := mi.levels[l]; ok {
				codes[i] = float64(v)
			} else {
				codes[i] = math.NaN()
			}
		}
		x := make([]float64, n)
		u := &sc.unseen[k]
		for r, code := range c.Codes[:n] {
			if code < 0 {
				x[r] = math.NaN()
				continue
			}
			v := codes[code]
			x[r] = v
			if v != v {
				if u.count == 0 {
					u.row, u.value = r, c.Domain[code]
				}
				u.count++
			}
		}
		cols[k] = x
	}
	s.predict(cols, sc)
	return sc, s.keepColumns(pl, res, keepText, sc)
}

// predict fills the outputs, labels and contributions of sc from cols.
func (s *scorer) predict(cols [][]float64, sc *scored) {
	n := sc.n
	sc.out = make([][]float64, s.nout)
	for j := range sc.out {
		sc.out[j] = make([]float64, n)
	}
	row := make([]float64, len(cols))
	if s.batch != nil {
		s.batch.PredictBatch(cols, sc.out)
	} else {
		pred := make([]float64, s.nout)
		for r := 0; r < n; r++ {
			for k, c := range cols {
				row[k] = c[r]
			}
			s.model.Predict(row, pred)
			for j, v := range pred {
				sc.out[j][r] = v
			}
		}
	}
	if classes := s.schema.Classes; len(classes) > 0 {
		// As the cluster's predict (engine/learn/predict.go) labels rows.
		sc.label = make([]int32, n)
		for r := 0; r < n; r++ {
			if len(classes) == 2 {
				if sc.out[1][r] >= s.threshold {
					sc.label[r] = 1
				}
				continue
			}
			best := 0
			for k := 1; k < s.nout; k++ {
				if sc.out[k][r] > sc.out[best][r] {
					best = k
				}
			}
			sc.label[r] = int32(best)
		}
	}
	if s.contrib != nil {
		w := len(s.contribs)
		sc.contrib = make([]float64, n*w)
		for r := 0; r < n; r++ {
			for k, c := range cols {
				row[k] = c[r]
			}
			s.contrib.Contributions(row, sc.contrib[r*w:(r+1)*w])
		}
	}
}

// keepColumns fills the kept columns' text.
func (s *scorer) keepColumns(pl *plan, res *parse.Result, keepText func() (*parse.Result, error), sc *scored) error {
	if len(pl.keep) == 0 {
		return nil
	}
	n := sc.n
	sc.keep = make([][]string, len(pl.keep))
	sc.keepNA = make([][]bool, len(pl.keep))
	pass := false
	for i, kc := range pl.keep {
		c := &res.Cols[kc.col]
		switch kc.from {
		case keepString:
			sc.keep[i], sc.keepNA[i] = c.Strings[:n], c.StrNA[:n]
			for _, na := range sc.keepNA[i] {
				pass = pass || na
			}
		case keepCategory:
			v, na := make([]string, n), make([]bool, n)
			for r, code := range c.Codes[:n] {
				if code < 0 {
					na[r], pass = true, true
					continue
				}
				v[r] = c.Domain[code]
			}
			sc.keep[i], sc.keepNA[i] = v, na
		case keepPass:
			pass = true
		case keepNumber:
			v, na := make([]string, n), make([]bool, n)
			for r, f := range c.Floats[:n] {
				if math.IsNaN(f) {
					na[r] = true
					continue
				}
				v[r] = strconv.FormatFloat(f, 'g', -1, 64)
			}
			sc.keep[i], sc.keepNA[i] = v, na
		}
	}
	if !pass || pl.keepSetup == nil {
		return nil
	}
	kr, err := keepText()
	if err != nil {
		return err
	}
	if kr.Rows != n {
		return fmt.Errorf("internal error: the kept columns' pass read %d rows, the block has %d", kr.Rows, n)
	}
	for i, kc := range pl.keep {
		c := &kr.Cols[kc.col]
		sc.keep[i], sc.keepNA[i] = c.Strings[:n], c.StrNA[:n]
	}
	return nil
}
