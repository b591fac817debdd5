// Package launch implements `mlctl cluster launch`: validate the request,
// start a cluster on a launcher backend, optionally wait for the cloud to
// form while showing progress, and print the cluster record.
//
// It imports cmdutil, cluster/shared, iostreams, errs and the launcher
// interfaces; it must not import a concrete backend or the engine.
package launch
