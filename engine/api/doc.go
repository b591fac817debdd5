// Package api is the leader's public HTTPS API as Go types (stable JSON
// names, snake_case) and a client for it. The CLI talks to a cluster only
// through this package. It must not import cobra or the engine internals.
package api
