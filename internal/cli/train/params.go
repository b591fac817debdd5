package train

import (
	"reflect"
	"strings"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/spf13/pflag"
)

// Spec is everything `mlctl train` takes, from flags or a --spec file. Each
// field's key is its flag's name with '-' replaced by '_' (--max-depth,
// max_depth). A zero value that was not given means "the cluster's
// default"; the pointer fields are sent only when given.
type Spec struct {
	Algo string `yaml:"algo"`
	// Name is the model id (--name); "" lets the cluster make one.
	Name          string   `yaml:"name"`
	Frame         string   `yaml:"frame"`
	Valid         string   `yaml:"valid"`
	Target        string   `yaml:"target"`
	Ignore        []string `yaml:"ignore"`
	WeightsColumn string   `yaml:"weights_column"`
	OffsetColumn  string   `yaml:"offset_column"`
	NFolds        int      `yaml:"nfolds"`
	Seed          int64    `yaml:"seed"`
	Wait          bool     `yaml:"wait"`

	// GBM
	NTrees            int     `yaml:"ntrees"`
	MaxDepth          int     `yaml:"max_depth"`
	LearnRate         float64 `yaml:"learn_rate"`
	MinRows           float64 `yaml:"min_rows"`
	NBins             int     `yaml:"nbins"`
	SampleRate        float64 `yaml:"sample_rate"`
	ColSampleRate     float64 `yaml:"col_sample_rate"`
	Distribution      string  `yaml:"distribution"`
	StoppingRounds    int     `yaml:"stopping_rounds"`
	StoppingMetric    string  `yaml:"stopping_metric"`
	StoppingTolerance float64 `yaml:"stopping_tolerance"`

	// GLM
	Family        string   `yaml:"family"`
	Link          string   `yaml:"link"`
	TweediePower  float64  `yaml:"tweedie_power"`
	Alpha         *float64 `yaml:"alpha"`
	Lambda        *float64 `yaml:"lambda"`
	LambdaSearch  bool     `yaml:"lambda_search"`
	NLambdas      int      `yaml:"nlambdas"`
	Standardize   *bool    `yaml:"standardize"`
	Intercept     *bool    `yaml:"intercept"`
	Solver        string   `yaml:"solver"`
	MaxIterations int      `yaml:"max_iterations"`

	// src says where each given key came from, for error messages:
	// "--max-depth" or "gbm.yaml:4: max_depth".
	src map[string]string
}

// gbmKeys and glmKeys are the keys only one algorithm takes.
var (
	gbmKeys = []string{"ntrees", "max_depth", "learn_rate", "min_rows", "nbins", "sample_rate", "col_sample_rate",
		"distribution", "stopping_rounds", "stopping_metric", "stopping_tolerance"}
	glmKeys = []string{"family", "link", "tweedie_power", "alpha", "lambda", "lambda_search", "nlambdas",
		"standardize", "intercept", "solver", "max_iterations"}
)

// specFields maps each key to its field index in Spec.
var specFields = func() map[string]int {
	m := map[string]int{}
	t := reflect.TypeOf(Spec{})
	for i := range t.NumField() {
		if tag := t.Field(i).Tag.Get("yaml"); tag != "" {
			m[tag] = i
		}
	}
	return m
}()

// Keys returns the keys a spec file may hold, in declaration order.
func Keys() []string {
	t := reflect.TypeOf(Spec{})
	var out []string
	for i := range t.NumField() {
		if tag := t.Field(i).Tag.Get("yaml"); tag != "" {
			out = append(out, tag)
		}
	}
	return out
}

func flagName(key string) string { return strings.ReplaceAll(key, "_", "-") }

// Given reports whether key was set by a flag or in the file.
func (s *Spec) Given(key string) bool { _, ok := s.src[key]; return ok }

// where names the origin of key for a message.
func (s *Spec) where(key string) string {
	if w, ok := s.src[key]; ok {
		return w
	}
	return "--" + flagName(key)
}

func (s *Spec) setSource(key, where string) {
	if s.src == nil {
		s.src = map[string]string{}
	}
	s.src[key] = where
}

// addCommonFlags, addGBMFlags and addGLMFlags bind flags to fields of s.
// The defaults shown in help are the cluster's; a flag that is not given is
// not sent (see Spec).
func addCommonFlags(fs *pflag.FlagSet, s *Spec) {
	fs.StringVar(&s.Name, "name", "", "model id (default: made by the cluster)")
	fs.StringVar(&s.Frame, "frame", "", "frame to train on (required)")
	fs.StringVar(&s.Valid, "valid", "", "frame to validate on and to stop early with")
	fs.StringVar(&s.Target, "target", "", "column to predict (required)")
	fs.StringSliceVar(&s.Ignore, "ignore", nil, "columns not to use as features, comma-separated")
	fs.StringVar(&s.WeightsColumn, "weights-column", "", "column of row weights")
	fs.StringVar(&s.OffsetColumn, "offset-column", "", "column added to the linear predictor as is (e.g. log exposure)")
	fs.IntVar(&s.NFolds, "nfolds", 0, "cross-validate with K folds (0: no cross-validation)")
	fs.Int64Var(&s.Seed, "seed", 0, "random seed: the same seed trains the same model on any number of nodes")
	fs.BoolVar(&s.Wait, "wait", false, "wait for the model and print it (default: print the job id and return)")
}

func addGBMFlags(fs *pflag.FlagSet, s *Spec) {
	fs.IntVar(&s.NTrees, "ntrees", 50, "number of trees, 1 to 100000")
	fs.IntVar(&s.MaxDepth, "max-depth", 5, "maximum tree depth, 1 to 30")
	fs.Float64Var(&s.LearnRate, "learn-rate", 0.1, "shrinkage of each tree, more than 0 and at most 1")
	fs.Float64Var(&s.MinRows, "min-rows", 10, "fewest (weighted) rows in a leaf")
	fs.IntVar(&s.NBins, "nbins", 255, "histogram bins per numeric column, 2 to 255")
	fs.Float64Var(&s.SampleRate, "sample-rate", 1, "fraction of rows each tree sees, more than 0 and at most 1")
	fs.Float64Var(&s.ColSampleRate, "col-sample-rate", 1, "fraction of columns each tree sees, more than 0 and at most 1")
	fs.StringVar(&s.Distribution, "distribution", "auto", "loss: "+strings.Join(distributions, ", "))
	fs.IntVar(&s.StoppingRounds, "stopping-rounds", 0, "stop when the metric has not improved for this many scoring rounds (0: never)")
	fs.StringVar(&s.StoppingMetric, "stopping-metric", "auto", "metric for early stopping: "+strings.Join(stoppingMetrics, ", "))
	fs.Float64Var(&s.StoppingTolerance, "stopping-tolerance", 1e-3, "relative improvement that counts for early stopping")
}

func addGLMFlags(fs *pflag.FlagSet, s *Spec) {
	s.Alpha, s.Lambda = new(float64), new(float64)
	s.Standardize, s.Intercept = new(bool), new(bool)
	fs.StringVar(&s.Family, "family", "gaussian", "distribution of the target: "+strings.Join(families, ", "))
	fs.StringVar(&s.Link, "link", "", "link function: "+strings.Join(links, ", ")+" (default: the family's, log for gamma and tweedie)")
	fs.Float64Var(&s.TweediePower, "tweedie-power", 0, "variance power for --family tweedie, between 1 and 2 (e.g. 1.5)")
	fs.Float64Var(s.Alpha, "alpha", 0.5, "elastic-net mix from 0 (ridge) to 1 (lasso)")
	fs.Float64Var(s.Lambda, "lambda", 0, "penalty strength, at least 0 (0: no penalty)")
	fs.BoolVar(&s.LambdaSearch, "lambda-search", false, "fit a path of lambdas and keep the best (on --valid when given)")
	fs.IntVar(&s.NLambdas, "nlambdas", 30, "lambdas on the --lambda-search path, 2 to 1000")
	fs.BoolVar(s.Standardize, "standardize", true, "standardize numeric columns before fitting")
	fs.BoolVar(s.Intercept, "intercept", true, "fit an intercept")
	fs.StringVar(&s.Solver, "solver", "auto", "solver: "+strings.Join(solvers, ", "))
	fs.IntVar(&s.MaxIterations, "max-iterations", 0, "solver iterations at most, 1 to 100000 (default: the solver's)")
}

// applyFlags copies every flag the user set on the command line from
// flags onto s, so that flags override the file. A nil fs is no flags.
func (s *Spec) applyFlags(fs *pflag.FlagSet, flags *Spec) {
	if fs == nil {
		return
	}
	dst, src := reflect.ValueOf(s).Elem(), reflect.ValueOf(flags).Elem()
	fs.Visit(func(f *pflag.Flag) {
		key := strings.ReplaceAll(f.Name, "-", "_")
		i, ok := specFields[key]
		if !ok {
			return // --cluster, --output, --spec
		}
		dst.Field(i).Set(src.Field(i))
		s.setSource(key, "--"+f.Name)
	})
}

// Request builds the API request from a validated spec.
func (s *Spec) Request() api.TrainRequest {
	req := api.TrainRequest{
		Algo: s.Algo, ModelID: s.Name, Frame: s.Frame, Valid: s.Valid, Target: s.Target,
		Ignore: s.Ignore, WeightsColumn: s.WeightsColumn, OffsetColumn: s.OffsetColumn,
		NFolds: s.NFolds, Seed: s.Seed,
	}
	switch s.Algo {
	case "gbm":
		req.GBM = &api.GBMParams{
			NTrees: s.NTrees, MaxDepth: s.MaxDepth, LearnRate: s.LearnRate, MinRows: s.MinRows,
			NBins: s.NBins, SampleRate: s.SampleRate, ColSampleRate: s.ColSampleRate,
			Distribution: s.Distribution, StoppingRounds: s.StoppingRounds,
			StoppingMetric: s.StoppingMetric, StoppingTolerance: s.StoppingTolerance,
		}
	case "glm":
		req.GLM = &api.GLMParams{
			Family: s.Family, Link: s.Link, TweediePower: s.TweediePower,
			LambdaSearch: s.LambdaSearch, NLambdas: s.NLambdas, Solver: s.Solver,
			MaxIterations: s.MaxIterations,
		}
		// Pointers only when given: nil is "the cluster's default".
		if s.Given("alpha") {
			req.GLM.Alpha = s.Alpha
		}
		if s.Given("lambda") {
			req.GLM.Lambda = s.Lambda
		}
		if s.Given("standardize") {
			req.GLM.Standardize = s.Standardize
		}
		if s.Given("intercept") {
			req.GLM.Intercept = s.Intercept
		}
	}
	return req
}
