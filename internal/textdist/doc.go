// Package textdist measures how far apart two words are, for the "did you
// mean" hints of the policy, config and training-spec parsers.
package textdist
