// Package reap is `mlctl admin reap`: stop every live cluster that is over
// its owner's profile limits (max_uptime from its creation, max_idle from the
// leader's last work), saving it first when the profile has cluster_save,
// auditing each stop. It is meant for cron: a lock file keeps two reaps from
// overlapping, --dry-run changes nothing, and the exit code is non-zero only
// when something could not be done.
package reap
