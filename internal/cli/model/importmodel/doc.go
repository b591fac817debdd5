// Package importmodel implements `mlctl model import`: a LightGBM text
// model, an XGBoost JSON model or an H2O-3 MOJO becomes a .mlz artifact that
// scores the same, with no Python and no JVM. It imports cmdutil,
// model/artifactio and scoring with its importers.
package importmodel
