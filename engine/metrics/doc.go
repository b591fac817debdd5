// Package metrics computes model-evaluation metrics on the leader from the
// per-row arrays a scoring pass gathers there: regression (RMSE, MAE, R²,
// mean residual deviance), binomial (AUC, AUCPR, logloss, the max-F1
// threshold and its confusion matrix) and multinomial (logloss, error,
// confusion matrix). It owns the definitions of those numbers and their JSON
// field names, which are stable API.
//
// Rows: w == nil means weight 1 for every row. A row whose response or
// prediction is NaN is skipped, and so is a row of weight 0 (before its values
// are checked); neither counts in NObs. A negative, NaN or infinite weight,
// an infinite response or prediction, a value outside its domain (y not in
// {0,1}, a probability outside [0,1], a Poisson mean <= 0, ...), mismatched
// lengths, or no rows left is an error wrapping ErrBadValue, ErrLength or
// ErrNoRows (binomial rows of one class only: ErrOneClass); the first bad row
// by index is the one reported. A metric is never
// a silent 0. The one NA is Regression.R2 when the weighted variance of y is 0:
// it is NaN, which encoding/json refuses, so callers that print it must
// map it (to null).
//
// Definitions follow scikit-learn: AUC is roc_auc_score (trapezoids over the
// ROC with tied scores as one step), AUCPR is average_precision_score (a step
// function, no interpolation), logloss clips probabilities to [1e-15, 1-1e-15]
// (log_loss's eps before scikit-learn 1.2, which now clips at the float64
// machine epsilon; the two differ only for probabilities within 1e-15 of 0 or 1).
// Multinomial logloss takes the actual class's probability as given, without
// renormalising the row.
//
// Determinism: every sum is a Kahan–Babuška (Neumaier) compensated sum taken
// in row-index order, or, for the curve metrics, in the order of a sort by
// score (descending) with ties broken by row index. Products are rounded
// (explicit float64 conversions) before they are added, so no fused
// multiply-add changes the result on arm64 or GOAMD64=v3. The same input
// gives bit-identical results.
//
// It imports only the standard library and nothing else of the engine.
package metrics
