// Package quickstart implements `mlctl quickstart`: a guided first run on the
// local backend that launches a 3-node cluster, imports the embedded example
// data, prints its column summary and the cluster status, and always stops
// and deletes the cluster again. It reuses the verbs' Run functions (launch,
// frame import, summary, status, stop, delete) rather than copying them.
//
// It imports the verb packages, cmdutil and examples; it must not import a
// concrete backend or the engine.
package quickstart
