// Package profile is mlctl's policy model: the admin's YAML file (apiVersion
// mlctl/v1, kind Policy), parsed with positions so every problem is reported
// as file:line:col with a hint; the identity of the user (Kerberos principal
// to short name with Hadoop's auth_to_local rules, groups from the operating
// system or the policy); roles (admin, standard); the profile that applies to
// a user and why; and the limits a launch request is checked against.
//
// The CLI and the launcher only ask this package questions (Resolve, Check,
// Fill, Diff). It imports no CLI code, no YARN and no HDFS client: reading an
// engine binary for VerifyEngines is done through a function the caller gives.
package profile
