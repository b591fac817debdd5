// Package lightgbm reads LightGBM's text model format (model.txt, as
// Booster.save_model writes it) into a scoring.GBM, so a model trained with
// LightGBM scores through the same code as one trained by mlctl. It owns
// the translation only; it imports the standard library and the scoring
// package, nothing else of the repository (no CLI, no engine).
//
//	m, info, err := lightgbm.Read(f) // m.Predict(row, out) as for any GBM
//
// Read checks the result with scoring.Validate. A well-formed file that
// uses something not translated fails with an error that wraps
// ErrUnsupported and names it and what is supported; any other error is a
// malformed file.
//
// # Objectives
//
//	regression (regression_l2, l2, mse, rmse)  gaussian, the margin itself
//	binary sigmoid:s                           bernoulli, p = 1/(1+exp(-s*margin))
//	multiclass (softmax) num_class:K           multinomial, softmax of K margins
//	poisson, gamma, tweedie                    the same names, exp(margin)
//
// Refused: every other objective (regression_l1, huber, fair, quantile,
// mape, multiclassova, cross_entropy, cross_entropy_lambda, lambdarank,
// rank_xendcg, a custom objective with no objective line), "regression
// sqrt" (reg_sqrt), linear trees (linear_tree=1 or is_linear=1), and model
// format versions other than v2 to v4.
//
// The file has no separate initial score: boost_from_average is folded into
// the first tree's leaves, so InitF is 0 for every class. Leaf values
// already include the learning rate (a tree's shrinkage= line records it;
// it is not applied again). For a sigmoid other than 1 every leaf is
// multiplied by it, so the margin scoring sums is the one LightGBM feeds to
// its sigmoid; a random forest (boosting=rf, the header's average_output
// line) has its leaves divided by the number of iterations, so the sum is
// LightGBM's mean. Both change only the last bits of the margins. Trees
// with a single leaf (num_leaves=1) become one-node trees. Tree t belongs
// to class t % K, as in LightGBM's files.
//
// Cover is internal_weight and leaf_weight (the hessian sums), or the
// counts where a file has no weights.
//
// # Missing values and zeros
//
// decision_type holds, per split, the categorical bit, the default-left
// bit and a missing type; LightGBM's predictor reads them so:
//
//	None  NaN is scored as 0.0: the NA direction is fixed per split,
//	      left exactly when 0 <= threshold (the default-left bit is unused)
//	Zero  0 and NaN take the default direction (scoring.FlagZeroNA)
//	NaN   NaN takes the default direction
//
// LightGBM's predictor also reads every value of magnitude at most
// float32(1e-35) as 0 before it walks the trees. A threshold between
// -float32(1e-35) and float32(1e-35) is moved to the edge of that band
// (it gives the same answer for every other value), so tiny values land
// where 0 does.
//
// # Categorical features
//
// A LightGBM categorical feature is an integer-valued column, and the
// importer makes it a scoring categorical feature whose Domain is the
// decimal codes "0", "1", ... up to the largest code that any split's
// bitset (cat_threshold) or the feature's feature_infos entry names: the
// code of level "7" is 7, so the column's values can be passed as they are.
// A categorical split sends the codes in its bitset left and everything
// else right, as LightGBM does: NaN, negative codes, codes not in the set
// and codes above the domain (which a caller mapping strings through the
// Domain sends as NaN) all go right. A fractional code is truncated (2.7 is
// code 2). A feature whose feature_infos is "none" (training did not use
// it) is numeric. The data frame's categories, when the model was trained
// on one, are in Info.PandasCategorical.
//
// # Differences from LightGBM
//
// On these inputs the importer's model and LightGBM disagree:
//
//   - a value in (-1, 0) of a categorical feature (or a tiny negative one):
//     LightGBM truncates it to code 0, scoring takes any negative code for
//     missing and sends it right;
//   - a value whose magnitude lies in (1e-35, float32(1e-35)] at a
//     zero-as-missing split: LightGBM takes it for 0, scoring's
//     FlagZeroNA band ends at 1e-35 (scoring.ZeroNA);
//   - a categorical value of 2^63 or more: scoring.Tree cannot score it yet
//     (the integer conversion overflows); LightGBM sends it right.
//
// # Agreement
//
// Against LightGBM 4.7.0's own predictions on the fixtures in
// scoring/testdata/importers (regression, binary with sigmoid 0.7,
// multiclass, poisson, categorical, zero_as_missing, rf; 199 rows with NaN,
// zero, tiny, huge and infinite values, out-of-range codes and values next
// to every probed threshold) the largest difference is 2.2e-16, absolute
// for probabilities and relative above 1: LightGBM sums the trees in
// float64 in the same order.
package lightgbm
