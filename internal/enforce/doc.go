// Package enforce is where the CLI applies the policy: it finds who is
// asking (the Kerberos principal mapped by the policy's auth_to_local, else
// the OS user; groups as the policy says), asks the profile package whether a
// launch or start is allowed, fills the launcher.Spec with the profile's
// defaults and limits (lifetime, idle limit, save on stop, engine version,
// environment, application name, queue), turns a Decision into an exit-3
// error that names the rule, the limit, the value asked for and who
// administers the policy, and writes the audit log.
//
// It may import profile, launcher, internal/audit, internal/cmdutil and
// internal/errs; it must not import any verb package (internal/cli/...).
//
// Audit failures: on the yarn backend a launch or start whose audit record
// cannot be written is refused before anything starts (a shared gateway must
// not run unaudited clusters); on the local backend, where the log is the
// user's own file, mlctl warns and carries on.
package enforce
