// Package source is where imports read their input: local files (the local
// backend, and any path every node can see) and HDFS through WebHDFS (the
// YARN backend, with the application's delegation token). A path with an
// hdfs:// scheme goes to the remote file system; anything else is local.
//
// It must not import cobra, the launcher or the yarn package.
package source
