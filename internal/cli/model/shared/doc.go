// Package shared holds what the model verbs and train have in common: the
// model table of `model list` and the summary `train` and `model show`
// print. It may import cmdutil, iostreams and engine/api (types only); it
// must not import the verb packages or engine internals.
package shared
