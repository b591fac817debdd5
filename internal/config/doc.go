// Package config is mlctl's one configuration: the table of settings (keys.go),
// where each value comes from, and the user and system files that hold them.
//
// Every setting has one precedence, resolved with viper:
//
//	flag > environment MLCTL_<KEY> > user file > system file > built-in default
//
// The user file is $MLCTL_CONFIG, else $XDG_CONFIG_HOME/mlctl/config.yaml,
// else ~/.config/mlctl/config.yaml; the system file (gateway-wide defaults an
// administrator sets, separate from the policy that decides what is allowed)
// is $MLCTL_SYSTEM_CONFIG, else /etc/mlctl/config.yaml.
//
// Files are parsed with yaml.v3 nodes first, so an unknown key, a wrong type
// or a value the flag would refuse is reported with file:line:col and a hint
// (the nearest key) before viper sees the values. Settings.Apply fills a
// command's flags that were not given on the command line, so every command
// gets the precedence without code of its own; Set and Unset edit a file's
// node tree (comments and order kept) and replace it atomically.
//
// The package knows cobra and pflag (it fills flags) but no command, backend
// or Kerberos code; it must not import internal/cmdutil or internal/cli.
package config
