// Package yarnenv is what mlctl's YARN containers (the AM and the engine
// nodes) learn from their environment: the credentials file with the
// cluster's secrets and the HDFS delegation token, YARN's variables and the
// ones the yarn backend sets. Shared by the gateway (which sets them) and the
// containers (which read them). It must not import cobra.
package yarnenv
