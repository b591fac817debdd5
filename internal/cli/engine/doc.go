// Package engine holds `mlctl engine ...`, the commands that run inside a
// cluster (started by a backend, not by people): `engine node` runs one engine
// process. It imports the engine's process package, never the launcher.
package engine
