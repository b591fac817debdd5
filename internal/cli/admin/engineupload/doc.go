// Package engineupload is `mlctl admin engine upload VERSION`: stage an
// engine build (default: this mlctl) on HDFS at the engine's path, through
// a temporary file and a rename so no launch ever reads half a binary, and
// print its SHA-256 with the YAML snippet to paste into the policy.
package engineupload
