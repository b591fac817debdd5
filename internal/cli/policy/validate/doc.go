// Package validate is `mlctl policy validate [FILE]`: parse and check a
// policy file, list every problem with its file:line:col, and verify the
// engine builds' checksums on HDFS when HDFS is reachable.
package validate
