// Package shared holds what the frame verbs have in common: connecting to a
// cluster's leader with clear not-found errors, and the frame table. It may
// import cmdutil, iostreams, errs and engine/api (types only); it must not
// import the verb packages or engine internals.
package shared
