// Package jobs runs the leader's long work asynchronously: each job has a
// state (running, done, failed, cancelled), progress, a message, warnings and
// timings; jobs can be listed and cancelled, and finished jobs are pruned
// (the newest MaxFinished are kept, and none for longer than MaxAge). A
// running job counts as activity for the cluster's idle clock.
//
// It must not import the leader, cobra, the launcher or the yarn package.
package jobs
