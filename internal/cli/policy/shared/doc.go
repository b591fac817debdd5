// Package shared holds what the policy verbs share: the policy as it is
// printed (the file's own keys, sizes and durations in the file's units, so
// `policy show` output is itself a valid policy) and reading a policy file
// for a verb.
package shared
