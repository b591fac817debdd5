// Package shared holds what the verbs that start or inspect jobs have in
// common: following a job to its end with a progress bar and an ETA, what
// Ctrl-C does to a job being followed (ask, on a terminal, whether to cancel
// it on the cluster; otherwise leave it running and say how to cancel it),
// and the job table and record.
//
// It may import cmdutil, iostreams, errs and engine/api (types only); it must
// not import the verb packages or engine internals.
package shared
