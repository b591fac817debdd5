// Package shared holds what the admin verbs share: every cluster of every
// user on every backend (this gateway's records merged with the
// ResourceManager's mlctl applications).
package shared
