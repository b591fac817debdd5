// Package xgboost reads XGBoost's JSON model format (Booster.save_model
// with a .json name, XGBoost 1.0 to 3.x) into a scoring.GBM, so a model
// trained with XGBoost scores through the same code as one trained by
// mlctl. It owns the translation only; it imports the standard library and
// the scoring package, nothing else of the repository (no CLI, no engine).
//
//	m, info, err := xgboost.Read(f) // m.Predict(row, out) as for any GBM
//
// Read checks the result with scoring.Validate. A well-formed file that
// uses something not translated fails with an error that wraps
// ErrUnsupported and names it and what is supported; any other error is a
// malformed file. The binary UBJSON format (.ubj) is not read.
//
// # Objectives and the base score
//
// learner_model_param.base_score is on the response scale ("5E-1" before
// 3.1, "[2.3463263E-1]" from 3.1 on, one value per class for multi-class
// models from 3.1 on, "0.500000" in 1.0). XGBoost turns it into the base
// margin with the objective's link in float32 when it loads a model; InitF
// is that margin:
//
//	reg:squarederror, reg:linear  gaussian     InitF = base_score
//	binary:logistic               bernoulli    InitF = logit(base_score)
//	binary:logitraw               bernoulli    InitF = base_score (1.4.0 on),
//	                                           logit(base_score) (before 1.4.0)
//	multi:softprob, multi:softmax multinomial  InitF[k] = base_score[k]
//	count:poisson                 poisson      InitF = log(base_score)
//	reg:gamma, reg:tweedie        gamma, tweedie, InitF = log(base_score)
//
// multi:softmax is scored as multi:softprob (class probabilities, not the
// arg max), binary:logitraw as a probability sigmoid(margin), not XGBoost's
// raw margin (GBM.Margins gives that). Every other objective is refused
// (reg:logistic, reg:pseudohubererror, reg:absoluteerror, reg:quantileerror,
// reg:squaredlogerror, rank:*, survival:*, binary:hinge, multi-target
// models), and so are the gblinear booster and files of XGBoost before 1.0
// or after 3.x.
//
// # Trees
//
// gbtree and dart boosters are read; a dart tree's leaves are multiplied by
// its weight_drop entry, as XGBoost does when it predicts. A leaf's value
// is its split_conditions entry (the learning rate applied), Cover is
// sum_hessian. Nodes the pruner deleted are unreachable and dropped; the
// rest are laid out breadth first. Trees are reordered by tree_info so that
// tree t belongs to class t % K (with num_parallel_tree > 1 XGBoost keeps a
// class's trees of one round together).
//
// XGBoost compares in float32: a row value x goes left when float32(x) <
// split_condition. The importer writes each condition c as the float64
// Threshold t with x <= t exactly when float32(x) < c for every float64 x
// (the largest float64 that rounds, ties to even, to a float32 below c), so
// thresholds read slightly below the conditions in the file. Missing
// values (NaN) take the split's default direction.
//
// # Categorical features
//
// Features typed "c" in feature_types are categorical. XGBoost sends the
// categories a split lists (categories, categories_segments) right and
// every other code left, also codes above the listed ones; the importer
// keeps the list as scoring's set and swaps the children, so a code in the
// set goes to XGBoost's right child and any other non-negative code to its
// left child. The Domain is the training categories when the file has them
// (gradient_booster.model.cats, written by 3.1 and later for a model
// trained on a data frame: strings or numbers, in code order); otherwise
// it is the decimal codes "0" up to the largest code a split names (code
// == value, so the column's integer values can be passed as they are).
//
// # Differences from XGBoost
//
//   - XGBoost sums the base margin and the leaves in float32, rounding after
//     every tree, and applies the sigmoid, softmax or exp in float32;
//     scoring sums the same float32 leaves in float64. The two differ by
//     XGBoost's own rounding, which grows with the number of trees and the
//     size of the partial sums. On the fixtures (5 to 30 trees) the largest
//     difference is 2.1e-7 (absolute for probabilities, relative above
//     1), and replaying the float32 sums over the imported trees gives
//     XGBoost's squared-error predictions bit for bit. With 100 trees of
//     depth 4 (5,000 rows) it was 1.9e-7 for binary:logistic
//     probabilities, 1.2e-6 relative for count:poisson, and 1.3e-3
//     absolute (6e-5 relative to a prediction near 20) for a squared-error
//     model whose response is near 1000, where a float32 step is 6e-5.
//     scoring's float64 sum is the more exact of the two.
//   - A negative categorical code goes left (as an unlisted code) in
//     XGBoost; scoring takes it for missing and sends it the default way.
//   - XGBoost rounds a categorical value to float32 before truncating it
//     (4.999999999999999 is code 5 to XGBoost, 4 to scoring); round a
//     fractional code to float32 first to score it as XGBoost does.
//   - A value beyond float32's range: XGBoost refuses it; scoring sends it
//     where ±Inf goes. A categorical value of 2^63 or more cannot be scored
//     by scoring.Tree yet (the integer conversion overflows).
//   - The model file does not record the missing-value marker a DMatrix was
//     built with; the importer assumes NaN, XGBoost's default.
package xgboost
