package config

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// SystemFile is the gateway-wide defaults file an administrator writes.
const SystemFile = "/etc/mlctl/config.yaml"

// Environment variables that move the files (not settings themselves), for
// tests, packagers and users who keep the file elsewhere; as git has
// GIT_CONFIG_GLOBAL and GIT_CONFIG_SYSTEM.
const (
	EnvUserFile   = "MLCTL_CONFIG"
	EnvSystemFile = "MLCTL_SYSTEM_CONFIG"
)

// Sources are the two files.
type Sources struct {
	User, System string
}

// DefaultSources finds the files from the environment.
func DefaultSources() Sources {
	return Sources{User: UserPath(), System: SystemPath()}
}

// UserPath is $MLCTL_CONFIG, else $XDG_CONFIG_HOME/mlctl/config.yaml (an
// absolute XDG_CONFIG_HOME only, as the XDG spec says), else
// ~/.config/mlctl/config.yaml.
func UserPath() string {
	if p := os.Getenv(EnvUserFile); p != "" {
		return p
	}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "mlctl", "config.yaml")
}

// SystemPath is $MLCTL_SYSTEM_CONFIG, else /etc/mlctl/config.yaml.
func SystemPath() string {
	if p := os.Getenv(EnvSystemFile); p != "" {
		return p
	}
	return SystemFile
}

// OriginKind says which layer a value came from.
type OriginKind string

const (
	FromFlag    OriginKind = "flag"
	FromEnv     OriginKind = "env"
	FromUser    OriginKind = "file"
	FromSystem  OriginKind = "system-file"
	FromDefault OriginKind = "default"
)

// Origin is where a value came from: the flag, the variable or the file.
type Origin struct {
	Kind OriginKind
	Name string // "--cluster", "MLCTL_CLUSTER", the file's path; "" for default
}

func (o Origin) String() string {
	switch o.Kind {
	case FromDefault:
		return "default"
	case FromSystem:
		return "file " + o.Name
	}
	return string(o.Kind) + " " + o.Name
}

// Value is a setting's effective value and its origin.
type Value struct {
	Key    string
	Value  string
	Origin Origin
}

// Settings are the resolved configuration of one mlctl run.
type Settings struct {
	Sources      Sources
	User, System *File
	// Env lists the problems of MLCTL_* variables (bad values).
	Env Problems

	v       *viper.Viper
	env     map[string]string      // the valid MLCTL_* values
	flags   map[string]*pflag.Flag // flags bound by Apply
	applied []Applied
}

// Load reads both files and the environment. Problems in them do not make
// Load fail (config commands must still run): Problems reports them. Only a
// file that exists but cannot be read is an error.
func Load(src Sources) (*Settings, error) {
	s := &Settings{Sources: src, v: viper.New(), env: map[string]string{}, flags: map[string]*pflag.Flag{}}
	var err error
	if s.System, err = ReadFile(src.System); err != nil {
		return nil, err
	}
	if s.User, err = ReadFile(src.User); err != nil {
		return nil, err
	}
	for _, k := range keys {
		s.v.SetDefault(k.Name, k.Default)
		if ev, ok := os.LookupEnv(k.Env()); ok && ev != "" {
			// Viper reads the variable itself; it is bound only when valid,
			// so a bad one is reported, never used.
			if err := k.Check(ev); err != nil {
				s.Env = append(s.Env, Problem{File: k.Env(), Key: k.Name, Msg: fmt.Sprintf("setting %s: %v", k.Name, err), Hint: valueHint(k)})
				continue
			}
			s.env[k.Name] = ev
			if err := s.v.BindEnv(k.Name, k.Env()); err != nil {
				return nil, err
			}
		}
	}
	// Later merges win: the user file over the system file.
	for _, f := range []*File{s.System, s.User} {
		m := map[string]any{}
		for k, v := range f.Values {
			m[k] = v
		}
		if err := s.v.MergeConfigMap(m); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Problems lists what is wrong in the files and the environment.
func (s *Settings) Problems() Problems {
	var ps Problems
	ps = append(ps, s.System.Problems...)
	ps = append(ps, s.User.Problems...)
	return append(ps, s.Env...)
}

// Err is Problems as a usage error (exit 2), nil when all is well.
func (s *Settings) Err() error { return s.Problems().Err() }

// Get returns the effective value of key (which must be in Keys) and where
// it came from.
func (s *Settings) Get(key string) Value {
	k, ok := Lookup(key)
	if !ok {
		panic("config: unknown key " + key)
	}
	o := s.origin(k)
	v := s.v.GetString(k.Name)
	if k.Path && (o.Kind == FromUser || o.Kind == FromSystem) {
		v = ExpandHome(v)
	}
	if k.Type == Bool {
		v = fmt.Sprint(s.v.GetBool(k.Name))
	}
	return Value{Key: k.Name, Value: v, Origin: o}
}

// String is Get(key).Value.
func (s *Settings) String(key string) string { return s.Get(key).Value }

// All returns every setting's effective value, in Keys order.
func (s *Settings) All() []Value {
	out := make([]Value, 0, len(keys))
	for _, k := range keys {
		out = append(out, s.Get(k.Name))
	}
	return out
}

// origin walks the layers in viper's order of precedence.
func (s *Settings) origin(k Key) Origin {
	if fl := s.flags[k.Name]; fl != nil && fl.Changed {
		return Origin{Kind: FromFlag, Name: "--" + fl.Name}
	}
	if _, ok := s.env[k.Name]; ok {
		return Origin{Kind: FromEnv, Name: k.Env()}
	}
	if _, ok := s.User.Values[k.Name]; ok {
		return Origin{Kind: FromUser, Name: s.User.Path}
	}
	if _, ok := s.System.Values[k.Name]; ok {
		return Origin{Kind: FromSystem, Name: s.System.Path}
	}
	return Origin{Kind: FromDefault}
}
