package launcher

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/mlctl/mlctl/engine/limits"
	"github.com/mlctl/mlctl/internal/errs"
)

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkEnv refuses extra node environment that is not a valid name or
// would override what mlctl sets itself: MLCTL_* (the cluster's wiring and
// limits) and GOMEMLIMIT (from --memory).
func checkEnv(env map[string]string) error {
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch {
		case !envName.MatchString(k):
			return errs.New(errs.Usage, fmt.Errorf("node environment: %q is not a variable name", k),
				"use letters, digits and '_', not starting with a digit (the profile's env)")
		case strings.HasPrefix(strings.ToUpper(k), "MLCTL_"):
			return errs.New(errs.Usage, fmt.Errorf("node environment: %s would override mlctl's own MLCTL_* variables", k),
				"rename it in the profile's env; MLCTL_* names are reserved for mlctl")
		case k == "GOMEMLIMIT":
			return errs.New(errs.Usage, fmt.Errorf("node environment: GOMEMLIMIT is set by mlctl from the node memory"),
				"leave it out of the profile's env and size nodes with --memory")
		case strings.ContainsAny(env[k], "\"`$\\\n\x00"):
			// YARN writes the environment into the container's launch
			// script inside double quotes: these would end or expand it.
			return errs.New(errs.Usage, fmt.Errorf("node environment: the value of %s holds a character YARN's launch script would not keep (\", `, $, \\, a newline)", k),
				"give the value without them in the profile's env")
		}
	}
	return nil
}

// nodeLimits are the limits a launched cluster's leader enforces.
func nodeLimits(rec *Record) limits.Limits {
	lim := limits.Limits{MaxIdle: rec.MaxIdle, MaxUptime: rec.MaxUptime, EndsAt: rec.EndsAt, Profile: rec.Profile, SaveOnStop: rec.SaveOnStop}
	if rec.SaveOnStop {
		lim.SaveDir = SaveDir(rec)
	}
	return lim
}

// nodeEnv is the extra environment of every node: the profile's env, then
// the limits (which checkEnv keeps the profile from overriding).
func nodeEnv(rec *Record, lim limits.Limits) map[string]string {
	env := map[string]string{}
	for k, v := range rec.Env {
		env[k] = v
	}
	for k, v := range lim.Env() {
		env[k] = v
	}
	return env
}
