// Package frame is the `mlctl frame` command group: it only assembles the
// verb packages below it (import, list, summary, split, delete). It must not
// hold verb logic or import engine internals.
package frame
