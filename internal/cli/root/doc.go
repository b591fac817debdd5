// Package root assembles the mlctl command tree: persistent flags
// (--verbose, --no-color, --principal, --keytab), the error and usage
// conventions shared by every command, and the command groups. Before any
// command runs, its PersistentPreRunE resolves the settings (internal/config)
// and fills the command's flags that were not typed (config.go). It may import every verb package and
// cmdutil; it must not import concrete backends or the engine (cmd/mlctl
// wires those into the Factory and passes extra commands in).
package root
