// Package xgboost reads XGBoost's JSON model format (Booster.save_model
// with a .json name, XGBoost 1.0 to 3.x) into a scoring.GBM, so a model
// trained with XGBoost scores through the same code as one trained by
// mlctl. It imports the standard library and the scoring package only,
// nothing else of the repository.
package xgboost
