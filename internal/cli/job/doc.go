// Package job is the `mlctl job` command group: it only assembles the verb
// packages below it (list, show, cancel). It must not hold verb logic or
// import engine internals.
package job
