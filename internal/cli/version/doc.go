// Package version implements `mlctl version`: the build's version, commit and
// Go version, as text or JSON/YAML. It imports cmdutil only and never touches
// a backend, so it works on any machine.
package version
