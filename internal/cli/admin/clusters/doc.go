// Package clusters is `mlctl admin clusters`: every user's clusters on
// every backend — this gateway's records and, on YARN, the
// ResourceManager's mlctl applications of all users.
package clusters
