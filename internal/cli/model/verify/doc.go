// Package verify implements `mlctl model verify`: exit 0 only when every
// entry of an artifact matches its SHA-256 and, with --key, the signature
// holds. It imports cmdutil, model/artifactio and scoring.
package verify
