// Package examples holds mlctl's example material (small data, policies,
// scripts) and embeds what the binary itself needs, so that
// `mlctl quickstart` works outside the repository. It imports only the
// standard library; nothing in it may import other mlctl packages.
package examples
