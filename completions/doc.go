// Package completions owns mlctl's shell completion: the `mlctl completion
// bash|zsh|fish|powershell` command, the static scripts committed here for
// packagers (mlctl.bash, _mlctl for zsh, mlctl.fish, mlctl.ps1; regenerate
// them with `go generate ./completions` or `make completions`), and the
// dynamic completion of names (clusters, frames, models, jobs, a frame's
// columns, the header of score's INPUT, queues, profiles, engine versions)
// that the scripts ask for through cobra's hidden `__complete` command.
//
// The scripts are cobra's: they call `mlctl __complete ARGS...` for every
// TAB, so they follow the command tree of the installed binary and only go
// stale when the binary's name or cobra's script format changes; the test
// in this package regenerates them and fails when the committed ones
// differ.
//
// Every dynamic completer answers within Limit (250 ms, so that the whole
// `mlctl __complete` process answers within 300 ms) or offers nothing: the
// lookup runs under a context with that deadline and is abandoned when it
// passes, so a dead or unreachable cluster never hangs the shell, and no
// error text is ever written where the shell would show it.
//
// Completers are attached in one place, Register, which walks the built
// command tree and matches commands by path and flags by name; verb
// packages need not know about completion. This package may import
// internal/cmdutil, launcher and profile, never internal/cli/... (the root
// command imports it).
package completions
