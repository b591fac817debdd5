package main

import (
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/krb"
)

// wired is this run's Factory. The backends are built lazily (see router in
// wire.go), after the root command has resolved the settings into
// wired.Settings, so they read the Kerberos settings from there.
var wired *cmdutil.Factory

// kerberosOptions are the login the settings ask for: with keytab set (by
// --keytab, MLCTL_KEYTAB or a config file) an in-memory login from the
// keytab as principal (its first entry when unset), which needs no kinit and
// writes no ticket cache; without it the user's kinit ticket cache.
func kerberosOptions() krb.Options {
	if wired == nil || wired.Settings == nil {
		return krb.Options{}
	}
	s := wired.Settings
	return krb.Options{Keytab: s.String("keytab"), Principal: s.String("principal")}
}
