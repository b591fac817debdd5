package train

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/gbm"
	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/lineage"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/scoring"
)

// Output is a trained model: its description and its scoring form.
type Output struct {
	Info  *api.Model
	Model scoring.Model
	// Threshold is the binomial cut predict uses (max F1 on the training
	// data), NaN otherwise.
	Threshold float64
	// Profile is the training frame's fingerprint, drift baseline and
	// example rows; Sources are its files.
	Profile *api.ModelProfile
	Sources []string
}

// Check validates a request's parameters without touching data, so a bad
// request is refused before a job starts.
func Check(req *api.TrainRequest) error {
	switch req.Algo {
	case "gbm":
		_, err := gbm.Resolve(req.GBM, req.Seed)
		return err
	case "glm":
		_, err := resolveGLM(req)
		return err
	case "":
		return learn.Bad("", "no algorithm given: algo is gbm or glm")
	}
	return learn.Bad("", "unknown algorithm %q: algo is gbm or glm", req.Algo)
}

// CheckRequest is Check and learn.CheckSchema: everything about a request
// that the frames' metadata can tell, before a job starts.
func CheckRequest(fl learn.FrameLookup, req *api.TrainRequest) error {
	if err := Check(req); err != nil {
		return err
	}
	mode := learn.ModeAuto
	switch req.Algo {
	case "gbm":
		p, _ := gbm.Resolve(req.GBM, req.Seed)
		mode = p.Mode()
	case "glm":
		p, _ := resolveGLM(req)
		mode = p.Mode()
	}
	return learn.CheckSchema(fl, req, mode)
}

// Run trains the model req asks for.
func Run(ctx context.Context, d mr.Driver, req *api.TrainRequest) (*Output, error) {
	start := time.Now()
	var (
		out *Output
		err error
	)
	switch req.Algo {
	case "gbm":
		out, err = runGBM(ctx, d, req)
	case "glm":
		out, err = runGLM(ctx, d, req)
	default:
		return nil, Check(req)
	}
	if err != nil {
		return nil, err
	}
	// The artifact's lineage and drift baseline, while the frame is here.
	f, err := d.Frame(req.Frame)
	if err != nil {
		return nil, err
	}
	d.Progress(1, "profiling the training frame for the artifact")
	if out.Profile, err = lineage.Of(ctx, d, out.Model, f); err != nil {
		return nil, fmt.Errorf("profiling the training frame: %w", err)
	}
	out.Sources = f.Sources
	out.Info.TrainingTimeMS = time.Since(start).Milliseconds()
	out.Info.Created = time.Now().UTC()
	return out, nil
}

// base fills the description fields every algorithm shares.
func base(req *api.TrainRequest, s *learn.Setup) *api.Model {
	m := &api.Model{ModelID: req.ModelID, Algo: req.Algo, Target: req.Target, Frame: req.Frame, Valid: req.Valid,
		Kind: s.Kind, Classes: s.Schema.Classes, Rows: s.Train.Rows(), Warnings: append([]string(nil), s.Notes...)}
	for _, f := range s.Schema.Features {
		m.Features = append(m.Features, f.Name)
	}
	return m
}

// distOf is the regression deviance's distribution for metrics.
func distOf(kind, dist string) string {
	if kind != learn.Regression {
		return ""
	}
	switch dist {
	case "poisson", "gamma", "tweedie":
		return dist
	}
	return "gaussian"
}

// evaluate fills train and valid metrics of m, and returns the binomial
// threshold.
func evaluate(ctx context.Context, d mr.Driver, s *learn.Setup, m scoring.Model, info *api.Model, dist string, power float64) (float64, error) {
	var err error
	info.Metrics.Train, err = learn.Evaluate(ctx, d, m, s.Train, s.Req.WeightsColumn, learn.NoFolds, dist, power)
	if err != nil {
		return 0, fmt.Errorf("training metrics: %w", err)
	}
	if s.Valid != nil {
		info.Metrics.Valid, err = learn.Evaluate(ctx, d, m, s.Valid, s.Req.WeightsColumn, learn.NoFolds, dist, power)
		if err != nil {
			return 0, fmt.Errorf("validation metrics: %w", err)
		}
	}
	th := math.NaN()
	if v, ok := info.Metrics.Train["f1_threshold"].(float64); ok {
		th = v
	}
	return th, nil
}

// fromScored fills the metrics from rows the algorithm scored itself.
func fromScored(s *learn.Setup, info *api.Model, train, valid *learn.Scored, dist string) (float64, error) {
	var err error
	if info.Metrics.Train, err = learn.MetricsOf(train, s.Schema.Classes, dist, 0); err != nil {
		return 0, fmt.Errorf("training metrics: %w", err)
	}
	if valid != nil {
		if info.Metrics.Valid, err = learn.MetricsOf(valid, s.Schema.Classes, dist, 0); err != nil {
			return 0, fmt.Errorf("validation metrics: %w", err)
		}
	}
	th := math.NaN()
	if v, ok := info.Metrics.Train["f1_threshold"].(float64); ok {
		th = v
	}
	return th, nil
}

// crossValidate trains K fold models with fit and scores each on its
// holdout; the cv metrics are the fold metrics' means.
func crossValidate(ctx context.Context, d mr.Driver, s *learn.Setup, info *api.Model, dist string, power float64,
	fit func(ctx context.Context, folds learn.Folds, run string) (scoring.Model, error)) error {
	k := s.Folds
	if k < 2 {
		return nil
	}
	var folds []map[string]any
	for f := 0; f < k; f++ {
		fm, err := fit(ctx, learn.Folds{K: k, Seed: s.Req.Seed, Exclude: f, Only: -1}, fmt.Sprintf("cv%d", f))
		if err != nil {
			return fmt.Errorf("cross-validation fold %d of %d: %w", f+1, k, err)
		}
		met, err := learn.Evaluate(ctx, d, fm, s.Train, s.Req.WeightsColumn, learn.Folds{K: k, Seed: s.Req.Seed, Exclude: -1, Only: f}, dist, power)
		if err != nil {
			return fmt.Errorf("cross-validation fold %d of %d holdout metrics: %w", f+1, k, err)
		}
		folds = append(folds, met)
	}
	info.CVFolds = folds
	info.Metrics.CV = meanMetrics(folds)
	return nil
}

// meanMetrics averages the scalar metrics over folds.
func meanMetrics(folds []map[string]any) map[string]any {
	out := map[string]any{}
	var names []string
	for n, v := range folds[0] {
		if _, ok := v.(float64); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		s, c := 0.0, 0
		for _, f := range folds {
			if v, ok := f[n].(float64); ok {
				s += v
				c++
			}
		}
		if c > 0 {
			out[n] = s / float64(c)
		}
	}
	out["folds"] = len(folds)
	return out
}

// importance turns raw importances into the API's sorted list.
func importance(names []string, raw []float64) []api.VarImp {
	out := make([]api.VarImp, 0, len(raw))
	maxv, total := 0.0, 0.0
	for _, v := range raw {
		maxv = math.Max(maxv, v)
		total += v
	}
	for i, v := range raw {
		vi := api.VarImp{Feature: names[i], Importance: v}
		if maxv > 0 {
			vi.Relative = v / maxv
		}
		if total > 0 {
			vi.Percentage = v / total
		}
		out = append(out, vi)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Importance > out[j].Importance })
	return out
}

func runGBM(ctx context.Context, d mr.Driver, req *api.TrainRequest) (*Output, error) {
	p, err := gbm.Resolve(req.GBM, req.Seed)
	if err != nil {
		return nil, err
	}
	s, err := learn.Prepare(ctx, d, req, p.Mode())
	if err != nil {
		return nil, err
	}
	info := base(req, s)
	label := ""
	if s.Folds > 1 {
		label = "main model: "
	}
	m, res, err := gbm.Train(ctx, d, s, p, learn.NoFolds, "main", label)
	if err != nil {
		return nil, err
	}
	p = res.Resolved
	info.Params = p.AsMap()
	info.Iterations = res.Trees
	info.Warnings = append(info.Warnings, res.Notes...)
	for _, h := range res.History {
		e := api.HistoryEntry{Iteration: h.Iteration, Metric: h.Metric}
		if !math.IsNaN(h.Train) {
			v := h.Train
			e.Train = &v
		}
		if !math.IsNaN(h.Valid) {
			v := h.Valid
			e.Valid = &v
		}
		if e.Train != nil || e.Valid != nil {
			info.ScoringHistory = append(info.ScoringHistory, e)
		}
	}
	info.VariableImportance = importance(info.Features, res.Gains)
	dist := distOf(s.Kind, p.Distribution)
	var th float64
	if res.TrainScored != nil && (s.Valid == nil || res.ValidScored != nil) {
		th, err = fromScored(s, info, res.TrainScored, res.ValidScored, dist)
	} else {
		th, err = evaluate(ctx, d, s, m, info, dist, 0)
	}
	if err != nil {
		return nil, err
	}
	err = crossValidate(ctx, d, s, info, dist, 0, func(ctx context.Context, folds learn.Folds, run string) (scoring.Model, error) {
		fm, _, err := gbm.Train(ctx, d, s, p, folds, run, fmt.Sprintf("fold %d/%d: ", folds.Exclude+1, folds.K))
		return fm, err
	})
	if err != nil {
		return nil, err
	}
	return &Output{Info: info, Model: m, Threshold: th}, nil
}
