package api

import (
	"time"

	"github.com/mlctl/mlctl/scoring"
)

// TrainRequest starts a training job (POST /api/v1/train). Zero values take
// the documented defaults (docs/api.md); booleans that default to true are
// pointers.
type TrainRequest struct {
	Algo          string     `json:"algo"`     // gbm | glm
	ModelID       string     `json:"model_id"` // "" = generated
	Frame         string     `json:"frame"`
	Valid         string     `json:"valid"`
	Target        string     `json:"target"`
	Ignore        []string   `json:"ignore"`
	WeightsColumn string     `json:"weights_column"`
	OffsetColumn  string     `json:"offset_column"`
	NFolds        int        `json:"nfolds"`
	Seed          int64      `json:"seed"`
	GBM           *GBMParams `json:"gbm,omitempty"`
	GLM           *GLMParams `json:"glm,omitempty"`
}

// GBMParams are the GBM's parameters.
type GBMParams struct {
	NTrees            int     `json:"ntrees"`          // default 50
	MaxDepth          int     `json:"max_depth"`       // default 5
	LearnRate         float64 `json:"learn_rate"`      // default 0.1
	MinRows           float64 `json:"min_rows"`        // default 10 (weighted rows per leaf)
	NBins             int     `json:"nbins"`           // default 255 (max 255)
	SampleRate        float64 `json:"sample_rate"`     // default 1
	ColSampleRate     float64 `json:"col_sample_rate"` // default 1, per tree
	Distribution      string  `json:"distribution"`    // auto|gaussian|bernoulli|multinomial|poisson
	StoppingRounds    int     `json:"stopping_rounds"`
	StoppingMetric    string  `json:"stopping_metric"`    // auto|logloss|auc|rmse|deviance|error
	StoppingTolerance float64 `json:"stopping_tolerance"` // default 1e-3 (relative)
	L2                float64 `json:"l2"`                 // hessian regularisation lambda, default 0
}

// GLMParams are the GLM's parameters.
type GLMParams struct {
	Family        string   `json:"family"` // gaussian|binomial|poisson|gamma|tweedie|multinomial
	Link          string   `json:"link"`   // "" = the family's canonical (log for gamma and tweedie)
	TweediePower  float64  `json:"tweedie_power"`
	Alpha         *float64 `json:"alpha"`  // default 0.5
	Lambda        *float64 `json:"lambda"` // default 0 (no penalty) unless lambda_search
	LambdaSearch  bool     `json:"lambda_search"`
	NLambdas      int      `json:"nlambdas"` // default 30
	Standardize   *bool    `json:"standardize"`
	Intercept     *bool    `json:"intercept"`
	Solver        string   `json:"solver"` // auto|irlsm|lbfgs
	MaxIterations int      `json:"max_iterations"`
}

// Model is a trained model as `model show --output json` prints it.
type Model struct {
	ModelID            string             `json:"model_id"`
	Algo               string             `json:"algo"`
	Target             string             `json:"target"`
	Frame              string             `json:"frame"`
	Valid              string             `json:"valid,omitempty"`
	Kind               string             `json:"kind"` // regression | binomial | multinomial
	Classes            []string           `json:"classes,omitempty"`
	Params             map[string]any     `json:"params"`
	Metrics            Metrics            `json:"metrics"`
	CVFolds            []map[string]any   `json:"cv_folds,omitempty"`
	TrainingTimeMS     int64              `json:"training_time_ms"`
	VariableImportance []VarImp           `json:"variable_importance"`
	ScoringHistory     []HistoryEntry     `json:"scoring_history,omitempty"`
	Coefficients       map[string]float64 `json:"coefficients,omitempty"`
	StdCoefficients    map[string]float64 `json:"std_coefficients,omitempty"`
	StdErrors          map[string]float64 `json:"std_errors,omitempty"`
	ZValues            map[string]float64 `json:"z_values,omitempty"`
	PValues            map[string]float64 `json:"p_values,omitempty"`
	Lambda             *float64           `json:"lambda,omitempty"` // the lambda of the model kept
	Iterations         int                `json:"iterations"`       // trees or solver iterations
	Features           []string           `json:"features"`
	Rows               int64              `json:"rows"`
	Created            time.Time          `json:"created"`
	Warnings           []string           `json:"warnings,omitempty"`
}

// Metrics are a model's metrics on the training data, the validation frame
// and (mean over folds) cross-validation; null where not computed. Names:
// rmse, mae, r2, deviance, mean_residual_deviance, nobs (regression); auc,
// aucpr, logloss, f1_threshold, confusion_matrix, nobs (binomial); logloss,
// error, confusion_matrix, nobs (multinomial); GLMs add null_deviance and aic.
type Metrics struct {
	Train map[string]any `json:"train"`
	Valid map[string]any `json:"valid"`
	CV    map[string]any `json:"cv"`
}

// VarImp is one feature's importance: relative to the largest (1.0) and as
// a share of the total.
type VarImp struct {
	Feature    string  `json:"feature"`
	Importance float64 `json:"importance"` // raw: total gain (GBM) or |standardized coefficient| (GLM)
	Relative   float64 `json:"relative"`
	Percentage float64 `json:"percentage"`
}

// HistoryEntry is one scoring point during training.
type HistoryEntry struct {
	Iteration int      `json:"iteration"`
	Train     *float64 `json:"train"` // null where not scored (a GBM scores the training rows every ntrees/25 trees)
	Valid     *float64 `json:"valid"` // null without a validation frame
	Metric    string   `json:"metric"`
}

// ModelInfo is one line of `model list`.
type ModelInfo struct {
	ModelID        string    `json:"model_id"`
	Algo           string    `json:"algo"`
	Target         string    `json:"target"`
	Frame          string    `json:"frame"`
	Kind           string    `json:"kind"`
	Metric         string    `json:"metric"` // the headline metric's name
	Value          float64   `json:"value"`  // on valid when there is one, else train
	TrainingTimeMS int64     `json:"training_time_ms"`
	Created        time.Time `json:"created"`
}

// PredictRequest scores a frame with a model into a new frame
// (POST /api/v1/predict).
type PredictRequest struct {
	Model string `json:"model"`
	Frame string `json:"frame"`
	Name  string `json:"name"` // "" = <frame>_<model>_pred
}

// ModelProfile is what a model's artifact records of its training frame:
// a fingerprint of the data (the same on any node count), the drift
// baseline and a few example input rows.
type ModelProfile struct {
	Fingerprint string            `json:"data_fingerprint"`
	Rows        int64             `json:"rows"`
	Baseline    *scoring.Baseline `json:"baseline"`
	Example     *scoring.Example  `json:"example"`
}

// ModelExport is everything the gateway needs to write a model's artifact
// (GET /api/v1/models/{id}/export): the model's description, its schema
// and numbers (the artifact's binary body, scoring.EncodeBody, base64 in
// JSON), the binomial label threshold, the training frame's files and its
// profile.
type ModelExport struct {
	Model     *Model         `json:"model"`
	Schema    scoring.Schema `json:"schema"`
	Body      []byte         `json:"body"`
	Threshold *Number        `json:"threshold,omitempty"`
	Sources   []string       `json:"sources,omitempty"`
	Profile   *ModelProfile  `json:"profile,omitempty"`
}
