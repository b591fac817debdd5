// Package lightgbm reads LightGBM's text model format (model.txt, as
// Booster.save_model writes it) into a scoring.GBM, so a model trained with
// LightGBM scores through the same code as one trained by mlctl. It imports
// the standard library and the scoring package only, nothing else of the
// repository.
package lightgbm
