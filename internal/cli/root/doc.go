// Package root assembles the mlctl command tree: persistent flags
// (--verbose, --no-color), the error and usage conventions shared by every
// command, and the command groups. It may import every verb package and
// cmdutil; it must not import concrete backends or the engine (cmd/mlctl
// wires those into the Factory and passes extra commands in).
package root
