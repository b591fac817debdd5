// Command mlctl launches and drives distributed in-memory ML clusters on this
// machine or on YARN. This package is main only: it builds the Factory
// (factory.go, where the concrete backends and the leader API client are
// wired in), builds the root command, executes it, and maps errors to the
// one exit-code table of internal/errs. Command logic lives in
// internal/cli/...; nothing here should grow beyond wiring.
package main
