// Package cloud is what makes separate engine processes one cluster: the
// per-cluster CA and node certificates, the bearer token, the rendezvous
// through which nodes find each other, and the authenticated HTTPS client
// they use to call one another.
//
// A Rendezvous is a directory on the local backend; on YARN the AM plays the
// same role. Nothing here knows about frames or algorithms, and it must not
// import cobra, the launcher or the yarn package.
package cloud
