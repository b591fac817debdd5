package train

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mlctl/mlctl/internal/cmdutil"
)

// The accepted values of the enumerated parameters (docs/api.md).
var (
	algos           = []string{"gbm", "glm"}
	distributions   = []string{"auto", "gaussian", "bernoulli", "multinomial", "poisson"}
	stoppingMetrics = []string{"auto", "logloss", "auc", "rmse", "mse", "deviance", "error"}
	families        = []string{"gaussian", "binomial", "poisson", "gamma", "tweedie", "multinomial"}
	links           = []string{"identity", "logit", "log", "inverse", "tweedie"}
	solvers         = []string{"auto", "irlsm", "lbfgs"}
	// familyLinks are the links each family can be fitted with; the first
	// is the default.
	familyLinks = map[string][]string{
		"gaussian":    {"identity", "log", "inverse"},
		"binomial":    {"logit"},
		"poisson":     {"log", "identity"},
		"gamma":       {"log", "inverse", "identity"},
		"tweedie":     {"log", "tweedie"},
		"multinomial": {"logit", "multinomial"},
	}
)

// Limits the cluster enforces too; checked here so that the error names the
// flag or the spec line.
const (
	maxTrees      = 100000
	maxDepth      = 30
	maxBins       = 255
	minLambdas    = 2
	maxLambdas    = 1000
	maxIterations = 100000
	defaultAlpha  = 0.5 // the cluster's, when --alpha is not given
)

// bad is a usage error about key, naming where it was given.
func (s *Spec) bad(key, format string, a ...any) error {
	return cmdutil.UsageErrorf("%s %s", s.where(key), fmt.Sprintf(format, a...))
}

func oneOf(v string, allowed []string) bool { return slices.Contains(allowed, v) }

// Validate checks a merged spec: the algorithm, the required keys, that no
// parameter of the other algorithm is given, and every given value's range.
// Errors are usage errors (exit 2) that name the flag or the file and line.
func (s *Spec) Validate() error {
	if !oneOf(s.Algo, algos) {
		return s.bad("algo", "must be gbm or glm, got %q", s.Algo)
	}
	other, otherKeys := "glm", glmKeys
	if s.Algo == "glm" {
		other, otherKeys = "gbm", gbmKeys
	}
	for _, k := range otherKeys {
		if s.Given(k) {
			return s.bad(k, "is a %s parameter, but this trains a %s", other, s.Algo)
		}
	}
	if strings.TrimSpace(s.Frame) == "" {
		return cmdutil.UsageErrorf("no frame to train on: give --frame NAME (or frame: in the spec; see mlctl frame list)")
	}
	if strings.TrimSpace(s.Target) == "" {
		return cmdutil.UsageErrorf("no target: give --target COLUMN, the column to predict (or target: in the spec)")
	}
	for _, c := range s.Ignore {
		switch strings.TrimSpace(c) {
		case "":
			return s.bad("ignore", "has an empty column name")
		case s.Target:
			return s.bad("ignore", "lists the target %s; a model cannot ignore what it predicts", s.Target)
		}
	}
	for _, k := range []string{"weights_column", "offset_column"} {
		v := s.WeightsColumn
		if k == "offset_column" {
			v = s.OffsetColumn
		}
		if v != "" && v == s.Target {
			return s.bad(k, "is the target %s", s.Target)
		}
	}
	if s.Given("nfolds") && (s.NFolds < 0 || s.NFolds == 1) {
		return s.bad("nfolds", "must be 0 (no cross-validation) or at least 2, got %d", s.NFolds)
	}
	if s.Algo == "gbm" {
		return s.validateGBM()
	}
	return s.validateGLM()
}

func (s *Spec) validateGBM() error {
	rate := func(key string, v float64) error {
		if s.Given(key) && !(v > 0 && v <= 1) {
			return s.bad(key, "must be more than 0 and at most 1, got %v", v)
		}
		return nil
	}
	switch {
	case s.Given("ntrees") && (s.NTrees < 1 || s.NTrees > maxTrees):
		return s.bad("ntrees", "must be from 1 to %d, got %d", maxTrees, s.NTrees)
	case s.Given("max_depth") && (s.MaxDepth < 1 || s.MaxDepth > maxDepth):
		return s.bad("max_depth", "must be from 1 to %d, got %d", maxDepth, s.MaxDepth)
	case s.Given("nbins") && (s.NBins < 2 || s.NBins > maxBins):
		return s.bad("nbins", "must be from 2 to %d, got %d", maxBins, s.NBins)
	case s.Given("min_rows") && !(s.MinRows > 0 && !math.IsInf(s.MinRows, 0)):
		return s.bad("min_rows", "must be more than 0, got %v", s.MinRows)
	case s.Given("distribution") && !oneOf(s.Distribution, distributions):
		return s.bad("distribution", "must be one of %s, got %q", strings.Join(distributions, ", "), s.Distribution)
	case s.Given("stopping_rounds") && s.StoppingRounds < 0:
		return s.bad("stopping_rounds", "must be at least 0, got %d", s.StoppingRounds)
	case s.Given("stopping_metric") && !oneOf(s.StoppingMetric, stoppingMetrics):
		return s.bad("stopping_metric", "must be one of %s, got %q", strings.Join(stoppingMetrics, ", "), s.StoppingMetric)
	case s.Given("stopping_tolerance") && !(s.StoppingTolerance > 0 && !math.IsInf(s.StoppingTolerance, 0)):
		// The cluster reads 0 as "the default" (1e-3), so 0 cannot be asked for.
		return s.bad("stopping_tolerance", "must be more than 0, got %v", s.StoppingTolerance)
	}
	if err := rate("learn_rate", s.LearnRate); err != nil {
		return err
	}
	if err := rate("sample_rate", s.SampleRate); err != nil {
		return err
	}
	return rate("col_sample_rate", s.ColSampleRate)
}

func (s *Spec) validateGLM() error {
	if s.Given("family") && !oneOf(s.Family, families) {
		return s.bad("family", "must be one of %s, got %q", strings.Join(families, ", "), s.Family)
	}
	family := s.Family
	if family == "" {
		family = "gaussian"
	}
	if s.Given("link") && s.Link != "" {
		if !oneOf(s.Link, links) {
			return s.bad("link", "must be one of %s, got %q", strings.Join(links, ", "), s.Link)
		}
		if ok := familyLinks[family]; !oneOf(s.Link, ok) {
			return s.bad("link", "%s does not go with family %s; use %s", s.Link, family, strings.Join(ok, " or "))
		}
	}
	switch {
	case s.Given("tweedie_power") && family != "tweedie":
		return s.bad("tweedie_power", "applies only to family tweedie")
	case family == "tweedie" && !s.Given("tweedie_power"):
		return s.bad("family", "tweedie needs a variance power: add --tweedie-power P with 1 < P < 2 (tweedie_power: in a spec)")
	case family == "tweedie" && !(s.TweediePower > 1 && s.TweediePower < 2):
		return s.bad("tweedie_power", "must be between 1 and 2 (1 is Poisson, 2 gamma; use those families), got %v", s.TweediePower)
	}
	if s.Given("alpha") && !(*s.Alpha >= 0 && *s.Alpha <= 1) {
		return s.bad("alpha", "must be from 0 to 1, got %v", *s.Alpha)
	}
	if s.Given("lambda") && !(*s.Lambda >= 0 && !math.IsInf(*s.Lambda, 0)) {
		return s.bad("lambda", "must be at least 0, got %v", *s.Lambda)
	}
	if s.LambdaSearch && s.Given("lambda") {
		return s.bad("lambda", "and lambda search do not go together: the search picks lambda; drop one of them")
	}
	if s.Given("nlambdas") {
		if s.NLambdas < minLambdas || s.NLambdas > maxLambdas {
			return s.bad("nlambdas", "must be from %d to %d, got %d", minLambdas, maxLambdas, s.NLambdas)
		}
		if !s.LambdaSearch {
			return s.bad("nlambdas", "applies only with lambda search (--lambda-search)")
		}
	}
	if s.Given("solver") && !oneOf(s.Solver, solvers) {
		return s.bad("solver", "must be one of %s, got %q", strings.Join(solvers, ", "), s.Solver)
	}
	if s.Given("max_iterations") && (s.MaxIterations < 1 || s.MaxIterations > maxIterations) {
		return s.bad("max_iterations", "must be from 1 to %d, got %d", maxIterations, s.MaxIterations)
	}
	alpha := defaultAlpha
	if s.Given("alpha") {
		alpha = *s.Alpha
	}
	penalized := s.LambdaSearch || (s.Given("lambda") && *s.Lambda > 0)
	if s.Solver == "lbfgs" && alpha > 0 && penalized {
		return s.bad("solver", "lbfgs takes an L2 penalty only: add --alpha 0 (the default is %v), or use --solver irlsm for the L1 part", defaultAlpha)
	}
	return nil
}
