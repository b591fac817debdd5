// Package diff is `mlctl policy diff OLD NEW`: who gains or loses what
// between two policy files, in sentences (profile.Diff), for reviewing a
// policy change before installing it.
package diff
