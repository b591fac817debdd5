// Package model is the `mlctl model` command group: it only assembles the
// verb packages below it (list, show, delete). It must not hold verb logic
// or import engine internals.
package model
