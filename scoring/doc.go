// Package scoring is the one definition of a trained model: GLM coefficients
// and GBM trees in a flat array layout, each with the input schema it was
// trained on (column names, types, categorical domains) and the response.
// The engine builds these values, predicts through them inside the cluster,
// and (in the scoring issue) writes them into artifacts; anyone can embed
// the package to score, since it imports only the standard library and
// nothing else of the repository.
//
// A row is a []float64 in Schema.Features order: numeric values as they are,
// categorical values as codes into the feature's Domain, NaN for a missing
// value or an unseen level. When the model has an offset column, its value
// comes last in the row. Predict writes len(Outputs()) values: the
// prediction for regression, the class probabilities for classification.
//
// Models are immutable once built and safe for concurrent use.
package scoring
