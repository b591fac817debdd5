package learn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/engine/stats"
	"github.com/mlctl/mlctl/scoring"
)

// Limits on what a model takes (documented in docs/training.md).
const (
	MaxLevels  = 100_000 // levels of one categorical feature
	MaxClasses = 1_000   // classes of a classification response
)

// Modes of Prepare: what the algorithm makes of the response.
const (
	ModeRegression     = "regression"
	ModeClassification = "classification" // binomial or multinomial by level count
	ModeBinomial       = "binomial"
	ModeMultinomial    = "multinomial"
	ModeAuto           = "auto" // classification for a categorical or 0/1 response
)

// Setup is a checked training request.
type Setup struct {
	Req    *api.TrainRequest
	Train  *frame.Frame
	Valid  *frame.Frame // nil when none
	Schema scoring.Schema
	Kind   string // Regression, Binomial, Multinomial
	Bind   *Binding
	VBind  *Binding         // on Valid
	Stats  []stats.ColStats // of Train, per column
	Folds  int              // 0 = no cross-validation
	Notes  []string         // warnings for the job
	Cols   map[string]int   // Train column by name
}

// FeatureStats returns the training stats of feature j.
func (s *Setup) FeatureStats(j int) stats.ColStats { return s.Stats[s.Bind.Features[j]] }

// FrameLookup finds a frame's metadata (mr.Driver has it; so has the
// leader before a job starts).
type FrameLookup interface {
	Frame(name string) (*frame.Frame, error)
}

// CheckSchema makes the checks that need only the frames' metadata: the
// target, weights, offset and ignored columns exist and fit their roles,
// the target's type fits the mode, the fold count fits the rows, and the
// validation frame has the training columns with the same types. The
// leader runs it before it starts a job; Prepare runs it again.
func CheckSchema(fl FrameLookup, req *api.TrainRequest, mode string) error {
	train, err := fl.Frame(req.Frame)
	if err != nil {
		return err
	}
	s := &Setup{Req: req, Train: train, Cols: map[string]int{}}
	for i, c := range train.Columns {
		s.Cols[c.Name] = i
	}
	if err := s.checkRoles(); err != nil {
		return err
	}
	t := train.Columns[s.Cols[req.Target]]
	switch {
	case t.Type == frame.Categorical && mode == ModeRegression:
		return Bad("choose a classification family or distribution, or import the column as numeric", "the target %q is categorical, but the model asked for is a regression", t.Name)
	case t.Type == frame.Numeric && (mode == ModeMultinomial || mode == ModeClassification):
		return Bad("import it with --col-type "+t.Name+"=categorical", "the target %q is numeric, but a multinomial model needs a categorical target", t.Name)
	case t.Type != frame.Numeric && t.Type != frame.Categorical:
		return Bad("", "the target %q is %s; it must be numeric or categorical", t.Name, t.Type)
	case t.Type == frame.Categorical && len(t.Domain) > MaxClasses:
		return Bad("", "the target %q has %d classes, more than %d", t.Name, len(t.Domain), MaxClasses)
	}
	if req.Valid == "" {
		return nil
	}
	valid, err := fl.Frame(req.Valid)
	if err != nil {
		return err
	}
	vcols := map[string]frame.Column{}
	for _, c := range valid.Columns {
		vcols[c.Name] = c
	}
	for _, c := range train.Columns {
		if c.Type == frame.String || slices.Contains(req.Ignore, c.Name) {
			continue
		}
		vc, ok := vcols[c.Name]
		if !ok {
			return Bad("the validation frame needs the training frame's columns", "the validation frame %s has no column %q", valid.Name, c.Name)
		}
		if (vc.Type == frame.Categorical) != (c.Type == frame.Categorical) {
			return Bad("import both frames with the same --col-type", "column %q is %s in the validation frame %s but %s in the training frame %s", c.Name, vc.Type, valid.Name, c.Type, train.Name)
		}
	}
	return nil
}

// checkRoles checks the target, weights, offset, ignore and nfolds.
func (s *Setup) checkRoles() error {
	req, train := s.Req, s.Train
	if req.Target == "" {
		return Bad("give --target COLUMN", "no target column given")
	}
	if _, ok := s.Cols[req.Target]; !ok {
		return Bad("mlctl frame summary "+train.Name+" lists its columns", "frame %s has no column %q (the target)", train.Name, req.Target)
	}
	roles := map[string]string{req.Target: "target"}
	for _, r := range []struct{ name, role string }{{req.WeightsColumn, "weights"}, {req.OffsetColumn, "offset"}} {
		if r.name == "" {
			continue
		}
		c, ok := s.Cols[r.name]
		if !ok {
			return Bad("", "frame %s has no column %q (the %s column)", train.Name, r.name, r.role)
		}
		if prev, dup := roles[r.name]; dup {
			return Bad("", "column %q cannot be both the %s and the %s column", r.name, prev, r.role)
		}
		if train.Columns[c].Type != frame.Numeric {
			return Bad("", "the %s column %q is %s; it must be numeric", r.role, r.name, train.Columns[c].Type)
		}
		roles[r.name] = r.role
	}
	for _, ig := range req.Ignore {
		if _, ok := s.Cols[ig]; !ok {
			return Bad("", "--ignore names %q, which frame %s does not have", ig, train.Name)
		}
		if role, ok := roles[ig]; ok {
			return Bad("", "--ignore names %q, which is the %s column", ig, role)
		}
	}
	if req.NFolds == 1 || req.NFolds < 0 {
		return Bad("use --nfolds 0 (none) or at least 2", "--nfolds %d is not a number of folds", req.NFolds)
	}
	if rows := train.Rows(); int64(req.NFolds) > rows {
		return Bad("", "--nfolds %d is more than the %d rows of frame %s", req.NFolds, rows, train.Name)
	}
	return nil
}

// Prepare checks req against the frames before any work starts.
func Prepare(ctx context.Context, d mr.Driver, req *api.TrainRequest, mode string) (*Setup, error) {
	if err := CheckSchema(d, req, mode); err != nil {
		return nil, err
	}
	train, err := d.Frame(req.Frame)
	if err != nil {
		return nil, err
	}
	s := &Setup{Req: req, Train: train, Cols: map[string]int{}}
	for i, c := range train.Columns {
		s.Cols[c.Name] = i
	}
	ti := s.Cols[req.Target]
	tcol := train.Columns[ti]
	roles := map[string]string{req.Target: "target", req.WeightsColumn: "weights", req.OffsetColumn: "offset"}
	s.Folds = req.NFolds

	s.Stats, err = stats.Columns(ctx, d, train)
	if err != nil {
		return nil, err
	}
	ts := s.Stats[ti]
	if ts.N == 0 {
		return nil, Bad("", "the target %q has no values: every row is NA", req.Target)
	}
	if err := s.response(ctx, d, tcol, ti, mode); err != nil {
		return nil, err
	}

	for i, c := range train.Columns {
		if _, taken := roles[c.Name]; taken || slices.Contains(req.Ignore, c.Name) {
			continue
		}
		if st := s.Stats[i]; st.N > 0 && st.Min == st.Max && c.Type != frame.String {
			s.Notes = append(s.Notes, fmt.Sprintf("column %q is constant and is not used", c.Name))
			continue
		}
		switch c.Type {
		case frame.String:
			s.Notes = append(s.Notes, fmt.Sprintf("column %q is text and is not used (import it as categorical to use it)", c.Name))
			continue
		case frame.Categorical:
			if len(c.Domain) > MaxLevels {
				return nil, Bad("--ignore "+c.Name+", or group its levels before import", "column %q has %d levels, more than the %d a model takes", c.Name, len(c.Domain), MaxLevels)
			}
			s.Schema.Features = append(s.Schema.Features, scoring.Feature{Name: c.Name, Type: scoring.Categorical, Domain: c.Domain})
		default:
			s.Schema.Features = append(s.Schema.Features, scoring.Feature{Name: c.Name, Type: scoring.Numeric})
		}
		if s.Stats[i].N == 0 {
			return nil, Bad("--ignore "+c.Name, "column %q has no values: every row is NA", c.Name)
		}
	}
	if len(s.Schema.Features) == 0 {
		return nil, Bad("", "no feature columns are left to train on")
	}
	s.Schema.Response = req.Target
	s.Schema.Offset = req.OffsetColumn
	if s.Bind, err = Bind(&s.Schema, train, req.WeightsColumn, true); err != nil {
		return nil, err
	}
	if req.WeightsColumn != "" {
		if w := s.Stats[s.Cols[req.WeightsColumn]]; w.N > 0 && (w.Min < 0 || math.IsInf(w.Max, 1)) {
			return nil, Bad("", "the weights column %q holds %g; weights must be finite and not negative", req.WeightsColumn, w.Min)
		}
	}
	if req.Valid != "" {
		if s.Valid, err = d.Frame(req.Valid); err != nil {
			return nil, err
		}
		if err := s.checkValid(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// response settles the model kind and the classes.
func (s *Setup) response(ctx context.Context, d mr.Driver, tcol frame.Column, ti int, mode string) error {
	ts := s.Stats[ti]
	name := tcol.Name
	switch tcol.Type {
	case frame.Categorical:
		if mode == ModeRegression {
			return Bad("choose a classification family or distribution, or import the column as numeric", "the target %q is categorical, but the model asked for is a regression", name)
		}
		if ts.Min == ts.Max {
			return Bad("", "the target %q is constant: every row is %q", name, tcol.Domain[int(ts.Min)])
		}
		k := len(tcol.Domain)
		if k > MaxClasses {
			return Bad("", "the target %q has %d classes, more than %d", name, k, MaxClasses)
		}
		switch {
		case mode == ModeBinomial && k != 2:
			return Bad("use the multinomial family for more than two classes", "the target %q has %d classes; binomial needs exactly 2", name, k)
		case mode == ModeMultinomial && k < 3:
			s.Notes = append(s.Notes, fmt.Sprintf("target %q has 2 classes; a multinomial model of 2 classes is trained as asked", name))
		}
		s.Kind = Binomial
		if k > 2 || mode == ModeMultinomial {
			s.Kind = Multinomial
		}
		s.Schema.Classes = tcol.Domain
	case frame.Numeric:
		if ts.Min == ts.Max {
			return Bad("", "the target %q is constant: every row is %g", name, ts.Min)
		}
		switch mode {
		case ModeMultinomial, ModeClassification:
			return Bad("import it with --col-type "+name+"=categorical", "the target %q is numeric, but a multinomial model needs a categorical target", name)
		case ModeRegression:
			s.Kind = Regression
			return nil
		}
		binary, err := zeroOne(ctx, d, s.Train, ti)
		if err != nil {
			return err
		}
		switch {
		case binary:
			s.Kind = Binomial
			s.Schema.Classes = []string{"0", "1"}
			if mode == ModeAuto {
				s.Notes = append(s.Notes, fmt.Sprintf("the numeric target %q holds only 0 and 1: trained as a binary classifier (give --distribution gaussian for a regression)", name))
			}
		case mode == ModeBinomial:
			return Bad("", "the target %q is numeric with values other than 0 and 1; binomial needs a 0/1 or two-level categorical target", name)
		default:
			s.Kind = Regression
		}
	default:
		return Bad("", "the target %q is %s; it must be numeric or categorical", name, tcol.Type)
	}
	return nil
}

// checkValid binds the model's schema to the validation frame (CheckSchema
// has checked its columns and types already).
func (s *Setup) checkValid() error {
	var err error
	s.VBind, err = Bind(&s.Schema, s.Valid, s.Req.WeightsColumn, true)
	return err
}

type colArgs struct{ Col int }

// zeroOneTask counts the non-NA values of a column that are not 0 or 1.
var zeroOneTask = mr.Register(&mr.Func[colArgs, int64]{
	Name: "learn.zero_one",
	Chunk: func(a colArgs, c *mr.Chunk) (int64, error) {
		vals := c.Cols[a.Col].Floats(nil)
		var n int64
		for _, v := range vals[:c.Rows()] {
			if !math.IsNaN(v) && v != 0 && v != 1 {
				n++
			}
		}
		return n, nil
	},
	Reduce: func(a, b int64) int64 { return a + b },
})

func zeroOne(ctx context.Context, ex mr.Executor, f *frame.Frame, col int) (bool, error) {
	n, err := zeroOneTask.Run(ctx, ex, f, colArgs{Col: col})
	return n == 0, err
}

// IsBad reports whether err is a user's bad input.
func IsBad(err error) bool {
	var b *BadInput
	return errors.As(err, &b)
}
