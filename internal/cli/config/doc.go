// Package config is the `mlctl config` command group: set, get, unset, list
// and path. It edits and shows the settings of internal/config; it runs
// even when a config file is broken (the root command does not fail for
// it), so the user can see the problems and repair them from here.
package config
