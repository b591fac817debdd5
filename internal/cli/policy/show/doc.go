// Package show is `mlctl policy show`: the policy in force with its
// defaults filled in, as YAML (itself a valid policy file) or JSON, saying
// first which file it came from.
package show
