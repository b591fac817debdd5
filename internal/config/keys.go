package config

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/internal/textdist"
	"github.com/spf13/pflag"
)

// EnvPrefix starts the environment variable of every setting: MLCTL_CLUSTER,
// MLCTL_NO_COLOR, ...
const EnvPrefix = "MLCTL_"

// Type is what a setting holds.
type Type int

const (
	// String settings take any scalar; its text is kept as written.
	String Type = iota
	// Bool settings take true or false.
	Bool
)

func (t Type) String() string {
	if t == Bool {
		return "true or false"
	}
	return "a string"
}

// Key is one setting.
type Key struct {
	// Name is the key in config files and in `mlctl config`.
	Name string
	// Flag is the command-line flag the setting fills (without dashes).
	Flag string
	// FlagType, when set, limits the setting to flags of this pflag type:
	// output fills the "format" --output of listing commands, not score's
	// --output PATH.
	FlagType string
	Type     Type
	// Default is the built-in value, as text ("" = none).
	Default string
	// Help says what the setting does, for `config list` and the README.
	Help string
	// Path settings are file names: a config file must give them absolute
	// (or ~/...), and `config set` makes them absolute.
	Path bool
	// check is the flag's own validation; nil accepts anything.
	check func(string) error
	// when, if set, says whether the setting applies to a command given its
	// flags (queue only on the yarn backend).
	when func(*pflag.FlagSet) bool
}

// Env is the setting's environment variable.
func (k Key) Env() string { return EnvPrefix + strings.ToUpper(k.Name) }

// Backends are the accepted backend values (as internal/cli/cluster/shared
// has them; a test keeps the two lists equal).
var Backends = []string{"local", "yarn"}

// OutputFormats are the accepted output values (as cmdutil.OutputFormat).
var OutputFormats = []string{"table", "json", "yaml"}

var clusterNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

var keys = []Key{
	{Name: "cluster", Flag: "cluster", Help: "the cluster frame, model, job, train and predict commands use",
		check: func(v string) error {
			if !clusterNameRE.MatchString(v) {
				return fmt.Errorf("%q is not a cluster name: use 1 to 63 lower-case letters, digits and '-', starting with a letter or digit", v)
			}
			return nil
		}},
	{Name: "backend", Flag: "backend", Default: "local", Help: "where clusters run: local or yarn",
		check: oneOf(Backends)},
	{Name: "output", Flag: "output", FlagType: "format", Default: "table", Help: "output format of listings: table, json or yaml",
		check: oneOf(OutputFormats)},
	{Name: "queue", Flag: "queue", Help: "YARN queue for cluster launch (used with the yarn backend only)",
		check: func(v string) error {
			if strings.TrimSpace(v) == "" || strings.ContainsAny(v, " \t\n") {
				return fmt.Errorf("%q is not a queue name", v)
			}
			return nil
		},
		when: func(fs *pflag.FlagSet) bool {
			b := fs.Lookup("backend")
			return b != nil && b.Value.String() == "yarn"
		}},
	{Name: "no_color", Flag: "no-color", Type: Bool, Default: "false", Help: "no colour in output (NO_COLOR=1 also turns it off)"},
	{Name: "principal", Flag: "principal", Help: "Kerberos principal to log in as with the keytab (user@REALM)",
		check: func(v string) error {
			if v == "" || strings.ContainsAny(v, " \t\n") || strings.HasPrefix(v, "@") || strings.HasSuffix(v, "@") {
				return fmt.Errorf("%q is not a Kerberos principal: write user@REALM", v)
			}
			return nil
		}},
	{Name: "keytab", Flag: "keytab", Path: true, Help: "keytab to log in to Hadoop with, instead of a kinit ticket (must be readable only by you)"},
}

func oneOf(allowed []string) func(string) error {
	return func(v string) error {
		for _, a := range allowed {
			if strings.EqualFold(strings.TrimSpace(v), a) {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", "))
	}
}

// Keys returns every setting, in the order `config list` shows them.
func Keys() []Key { return append([]Key(nil), keys...) }

// Lookup finds a setting by name.
func Lookup(name string) (Key, bool) {
	for _, k := range keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// Check validates a value as the setting's flag would.
func (k Key) Check(v string) error {
	if k.Type == Bool {
		if _, err := strconv.ParseBool(v); err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		return nil
	}
	if v == "" {
		return fmt.Errorf("empty value")
	}
	if k.check != nil {
		return k.check(v)
	}
	return nil
}

// Normalize returns the form of v written to a file: enums lower-cased,
// booleans as true/false.
func (k Key) Normalize(v string) string {
	if k.Type == Bool {
		b, _ := strconv.ParseBool(v)
		return strconv.FormatBool(b)
	}
	if k.Name == "backend" || k.Name == "output" {
		return strings.ToLower(strings.TrimSpace(v))
	}
	return v
}

// UnknownKeyHint names the nearest setting to a mistyped key, or lists them
// all when none is near.
func UnknownKeyHint(name string) string {
	best, bestD := "", 1<<30
	for _, k := range keys {
		if d := textdist.Levenshtein(strings.ToLower(name), k.Name); d < bestD {
			best, bestD = k.Name, d
		}
	}
	if bestD <= 2 || (bestD <= len(best)/2 && bestD < len(name)) {
		return fmt.Sprintf("did you mean %q?", best)
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	sort.Strings(names)
	return "the settings are " + strings.Join(names, ", ")
}
