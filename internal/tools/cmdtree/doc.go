// Package cmdtree builds mlctl's command tree for the generators of
// completion scripts and documentation (internal/tools/gen) and for the
// tests that find those files stale. It builds the same root as cmd/mlctl,
// over a Factory whose closures are never called, and may import any CLI
// package; nothing but generators and their tests may import it.
package cmdtree
