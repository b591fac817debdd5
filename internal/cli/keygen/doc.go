// Package keygen implements `mlctl keygen`: an ed25519 key pair for signing
// model artifacts, the private half readable only by its owner. It imports
// cmdutil and scoring.
package keygen
