// Package importcmd implements `mlctl frame import` (the directory is named
// after the verb; "import" is a Go keyword, hence the package name): expand
// and check local paths, build an api.ImportRequest, start the import on the
// cluster, follow the job with a progress bar and print the new frame.
//
// It imports cmdutil, frame/shared, errs, engine/api and engine/frame (for
// ParseType only); never engine internals or a backend.
package importcmd
