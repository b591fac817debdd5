// Package inspect implements `mlctl model inspect`: what an artifact holds
// (algorithm, parameters, metrics, schema, lineage, checksums, signer),
// read and checked without a cluster. It imports cmdutil, model/artifactio
// and scoring.
package inspect
