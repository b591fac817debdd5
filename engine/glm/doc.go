// Package glm fits generalized linear models on the cloud and builds
// scoring.GLM values.
//
// The design: numeric features standardized (weighted mean 0, population
// sd 1) unless asked not to, categoricals one-hot with the first level as
// reference when there is an intercept, a missing numeric value imputed by
// the training mean and a missing level by the most frequent one. The
// objective (documented in docs/training.md) is
//
//	(1/W) Σ w_i ℓ_i(β) + λ (α ‖b‖₁ + (1−α)/2 ‖b‖₂²)
//
// with b every coefficient but the intercept. IRLSM: each iteration is one
// MR pass that reduces the weighted Gram XᵀWX and XᵀWz in the fixed tree
// (bit-identical on any node count); the leader solves by Cholesky, or by
// coordinate descent on the Gram when α > 0. Lambda search walks a
// log-spaced path down from λ_max with warm starts. L-BFGS (one gradient
// pass per iteration) serves designs too wide for a Gram. Multinomial
// cycles IRLSM over the classes' coefficient blocks.
//
// It must not import the leader, cobra, the launcher or the yarn package.
package glm
