// Package artifactio reads and writes model artifacts for the commands, at
// local paths or hdfs:// URLs, and turns the scoring package's artifact
// errors into mlctl's exit codes with a hint. It imports scoring, cmdutil
// and errs; never the engine.
package artifactio
