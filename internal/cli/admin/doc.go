// Package admin is the `mlctl admin` command group, for the policy's
// admins: it only assembles the verb packages below it (clusters, usage,
// reap, yarn-queue-config, engine upload). Every verb requires the admin
// role (exit 3 otherwise).
package admin
