// Package testcluster starts (or reuses) the secure test cluster of
// testcluster/ — MiniKdc, secure HDFS and secure YARN in one JVM — for the
// integration tests of the packages that talk to Hadoop. Tests only.
//
// MLCTL_TESTCLUSTER=DIR reuses a running cluster (`make testcluster-up`);
// otherwise the first test that asks starts one for its test binary, and Main
// stops it when the binary's tests are done. `go test -short` skips them.
package testcluster
