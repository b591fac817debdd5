// Package usage is `mlctl admin usage`: per user, from the audit log, the
// clusters that ran in a window, their node-hours and GiB-hours, and the
// launches the policy denied.
package usage
