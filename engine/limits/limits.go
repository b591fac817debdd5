package limits

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
)

// Environment of every node (the leader acts on it).
const (
	EnvMaxIdle    = "MLCTL_MAX_IDLE"     // Go duration; the cluster stops after this long without API activity
	EnvEndsAt     = "MLCTL_ENDS_AT"      // RFC 3339; the cluster expires then (max_uptime)
	EnvMaxUptime  = "MLCTL_MAX_UPTIME"   // Go duration, for the reason's text only
	EnvProfile    = "MLCTL_PROFILE"      // the policy profile that set the limits, for the reason's text
	EnvSaveOnStop = "MLCTL_SAVE_ON_STOP" // "1": save frames and models before a limit stops the cluster
	EnvSaveDir    = "MLCTL_SAVE_DIR"     // where that save goes (a local directory or an hdfs:// URL)
	// EnvUptimeByRM says the backend enforces EndsAt itself (YARN's
	// application lifetime): the leader acts before it only to save.
	EnvUptimeByRM = "MLCTL_UPTIME_BY_RM"
)

// Names are the variables above: a node takes them from its launcher only,
// never inherited from the environment of whoever ran mlctl.
var Names = []string{EnvMaxIdle, EnvEndsAt, EnvMaxUptime, EnvProfile, EnvSaveOnStop, EnvSaveDir, EnvUptimeByRM}

// End states a limit gives (the launcher's names).
const (
	StateStopped = "stopped" // max_idle
	StateExpired = "expired" // max_uptime
)

// Limits are what the leader enforces. The zero value enforces nothing.
type Limits struct {
	MaxIdle    time.Duration
	EndsAt     time.Time
	MaxUptime  time.Duration
	Profile    string
	SaveOnStop bool
	SaveDir    string
	UptimeByRM bool
}

// Any reports whether there is a limit to enforce.
func (l Limits) Any() bool { return l.MaxIdle > 0 || !l.EndsAt.IsZero() }

// Env is l as environment variables ("NAME=value"); unset limits are left out.
func (l Limits) Env() map[string]string {
	env := map[string]string{}
	if l.MaxIdle > 0 {
		env[EnvMaxIdle] = l.MaxIdle.String()
	}
	if !l.EndsAt.IsZero() {
		env[EnvEndsAt] = l.EndsAt.UTC().Format(time.RFC3339Nano)
	}
	if l.MaxUptime > 0 {
		env[EnvMaxUptime] = l.MaxUptime.String()
	}
	if l.Profile != "" {
		env[EnvProfile] = l.Profile
	}
	if l.SaveOnStop {
		env[EnvSaveOnStop] = "1"
	}
	if l.SaveDir != "" {
		env[EnvSaveDir] = l.SaveDir
	}
	if l.UptimeByRM {
		env[EnvUptimeByRM] = "1"
	}
	return env
}

// FromEnv reads the limits getenv (os.Getenv) gives; a malformed value is
// an error naming the variable.
func FromEnv(getenv func(string) string) (Limits, error) {
	var l Limits
	var err error
	if v := getenv(EnvMaxIdle); v != "" {
		if l.MaxIdle, err = time.ParseDuration(v); err != nil || l.MaxIdle < 0 {
			return l, fmt.Errorf("%s=%q: want a positive duration such as 30m", EnvMaxIdle, v)
		}
	}
	if v := getenv(EnvMaxUptime); v != "" {
		if l.MaxUptime, err = time.ParseDuration(v); err != nil || l.MaxUptime < 0 {
			return l, fmt.Errorf("%s=%q: want a positive duration such as 8h", EnvMaxUptime, v)
		}
	}
	if v := getenv(EnvEndsAt); v != "" {
		if l.EndsAt, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return l, fmt.Errorf("%s=%q: want an RFC 3339 time", EnvEndsAt, v)
		}
	}
	l.Profile = getenv(EnvProfile)
	l.SaveOnStop = getenv(EnvSaveOnStop) == "1"
	l.SaveDir = getenv(EnvSaveDir)
	l.UptimeByRM = getenv(EnvUptimeByRM) == "1"
	return l, nil
}

// IdleReason is the reason of an idle stop, e.g. "idle for 30m0s (max_idle
// of profile intern)".
func (l Limits) IdleReason(idle time.Duration) string {
	return fmt.Sprintf("%s%s (max_idle %s%s)", idlePrefix, round(idle), l.MaxIdle, l.of())
}

// UptimeReason is the reason of an uptime stop, e.g. "max_uptime 8h0m0s of
// profile intern reached at 2026-12-02T16:00:00Z"; ahead says the leader
// stops before the lifetime YARN enforces, to save first.
func (l Limits) UptimeReason(ahead bool) string {
	up := ""
	if l.MaxUptime > 0 {
		up = " " + l.MaxUptime.String()
	}
	at := l.EndsAt.UTC().Format(time.RFC3339)
	if ahead {
		return fmt.Sprintf("%s%s%s ends at %s: stopped ahead of YARN's lifetime to save first", uptimePrefix, up, l.of(), at)
	}
	return fmt.Sprintf("%s%s%s reached at %s", uptimePrefix, up, l.of(), at)
}

func (l Limits) of() string {
	if l.Profile == "" {
		return ""
	}
	return " of profile " + l.Profile
}

func round(d time.Duration) time.Duration {
	if d > time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

const (
	idlePrefix   = "idle for "
	uptimePrefix = "max_uptime"
)

// StateOf names the end state a reason (or a YARN diagnostic holding one)
// stands for: StateStopped for an idle stop, StateExpired for an uptime
// stop, "" for anything else.
func StateOf(reason string) string {
	switch {
	case strings.HasPrefix(reason, idlePrefix):
		return StateStopped
	case strings.HasPrefix(reason, uptimePrefix):
		return StateExpired
	}
	return ""
}

// End is how the engine ended a cluster by itself.
type End struct {
	State  string    `json:"state"` // StateStopped or StateExpired
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	// Saved is where the frames and models were saved first ("" = not saved);
	// SaveError why a save asked for failed.
	Saved     string `json:"saved,omitempty"`
	SaveError string `json:"save_error,omitempty"`
}

// Text is the reason with what happened to the data.
func (e End) Text() string {
	switch {
	case e.Saved != "":
		return e.Reason + "; frames and models saved to " + e.Saved
	case e.SaveError != "":
		return e.Reason + "; the save before the stop failed: " + e.SaveError
	}
	return e.Reason
}

// EndFile is the End's file in a local cluster directory.
const EndFile = "ended.json"

// WriteEnd writes e to dir/EndFile atomically.
func WriteEnd(dir string, e End) error {
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	return cloud.WriteFileAtomic(filepath.Join(dir, EndFile), append(b, '\n'), 0o600)
}

// ReadEnd reads dir/EndFile; (nil, nil) when there is none.
func ReadEnd(dir string) (*End, error) {
	b, err := os.ReadFile(filepath.Join(dir, EndFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var e End
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, EndFile), err)
	}
	return &e, nil
}
