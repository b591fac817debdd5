// Package start implements `mlctl cluster start NAME`: start an ended
// cluster (stopped, expired, killed or failed) again from its record, on
// the same backend with the same queue, sizes (unless overridden) and
// profile limits, under the same name; wait for the cloud; and restore the
// cluster's last save (launcher.SaveDir) through the leader API, if there
// is one. A policy check (StartOptions.Check, set by the policy layer) may
// fill in or refuse the spec first.
//
// It imports cmdutil, cluster/shared, job/shared, iostreams, errs and the
// launcher interfaces; it must not import a concrete backend or the engine.
package start
