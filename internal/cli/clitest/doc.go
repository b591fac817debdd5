// Package clitest holds fakes for the verb packages' tests: an in-memory
// launcher.Backend and cmdutil.ClusterAPI, and a Factory over test streams.
// Only _test.go files may import it; it must not import any verb package.
package clitest
