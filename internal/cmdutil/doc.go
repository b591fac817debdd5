// Package cmdutil is the toolbox every verb package shares: the Factory of
// lazy dependencies (streams, clock, launcher backends, the leader API), the
// ClusterAPI interface the frame verbs talk to, output rendering (tables on a
// terminal, tab-separated lines when piped, --output json|yaml), usage-error
// helpers that carry exit code 2, and parsers for user input such as memory
// sizes.
//
// It may import cobra, internal/iostreams, internal/errs, launcher (for the
// Backend interface and Record), profile (the policy type) and engine/api (JSON types only). It must not
// import any verb package (internal/cli/...), any concrete backend
// (launcher/local, launcher/yarn) or engine internals: the concrete wiring is
// done once, in cmd/mlctl.
package cmdutil
