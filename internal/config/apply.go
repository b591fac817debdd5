package config

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mlctl/mlctl/internal/errs"
)

// NotASetting, as a flag annotation, keeps Apply off a flag that shares a
// setting's name but not its meaning (config list's own --output).
const NotASetting = "mlctl/not-a-setting"

// Apply binds cmd's flags to their settings and sets every flag that was not
// given on the command line to the value from the environment or a file, so
// the command sees flag > env > user file > system file > default without
// code of its own. Flags keep their own defaults when no layer sets a value,
// and a flag set this way stays "not changed" (Changed means typed).
//
// A value the flag refuses is a usage error naming the variable or file and
// the key.
func (s *Settings) Apply(cmd *cobra.Command) error {
	fs := cmd.Flags()
	for _, k := range keys {
		fl := fs.Lookup(k.Flag)
		if fl == nil || (k.FlagType != "" && fl.Value.Type() != k.FlagType) || fl.Annotations[NotASetting] != nil {
			continue
		}
		if k.when != nil && !k.when(fs) {
			continue
		}
		if err := s.v.BindPFlag(k.Name, fl); err != nil {
			return err
		}
		s.flags[k.Name] = fl
		if fl.Changed {
			continue
		}
		v := s.Get(k.Name)
		if v.Origin.Kind == FromDefault {
			continue
		}
		if err := fl.Value.Set(v.Value); err != nil {
			return errs.New(errs.Usage, fmt.Errorf("%s: setting %s: %q: %v", s.where(k, v.Origin), k.Name, v.Value, err), RepairHint)
		}
		s.applied = append(s.applied, Applied{Flag: fl.Name, Value: v, Where: s.where(k, v.Origin)})
	}
	return nil
}

// Applied is a flag Apply set from a setting.
type Applied struct {
	Flag  string // without dashes
	Value Value
	Where string // "MLCTL_CLUSTER", or "/path/config.yaml:3"
}

// Applied lists the flags Apply set, in Keys order (for --verbose).
func (s *Settings) Applied() []Applied { return s.applied }

// where names the variable, or the file with the setting's line.
func (s *Settings) where(k Key, o Origin) string {
	switch o.Kind {
	case FromUser:
		return fmt.Sprintf("%s:%d", o.Name, s.User.Lines[k.Name])
	case FromSystem:
		return fmt.Sprintf("%s:%d", o.Name, s.System.Lines[k.Name])
	}
	return o.Name
}
