// Package export implements `mlctl model export`: a trained model leaves
// its cluster as a portable, checksummed (optionally signed) .mlz artifact,
// written atomically to a local path or an hdfs:// URL. It imports cmdutil,
// model/artifactio, frame/shared (to connect), engine/api (types only) and
// scoring.
package export
