package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Actions recorded.
const (
	ActionLaunch = "launch"
	ActionStart  = "start"
	ActionStop   = "stop"
	ActionSave   = "save"
	ActionReap   = "reap"
)

// Outcomes recorded.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied"
	OutcomeFailed = "failed"
)

// Record is one line of the audit log. The JSON names are stable API: admins
// feed the file to their own tools.
type Record struct {
	Time        time.Time `json:"time"`
	User        string    `json:"user"`
	Action      string    `json:"action"`
	Cluster     string    `json:"cluster"`
	Backend     string    `json:"backend"`
	Profile     string    `json:"profile"`
	Nodes       int       `json:"nodes"`
	MemoryBytes int64     `json:"memory_bytes"`
	VCores      int       `json:"vcores"`
	Queue       string    `json:"queue"`
	Outcome     string    `json:"outcome"`
	Reason      string    `json:"reason"`
	// MaxUptime is the cluster's lifetime at launch ("" = none), so usage
	// can end a cluster that YARN expired without anyone running mlctl.
	MaxUptime Duration `json:"max_uptime,omitempty"`
}

// Duration is a time.Duration written as Go's duration string ("8h0m0s").
type Duration time.Duration

// MarshalJSON writes the duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	if d == 0 {
		return []byte(`""`), nil
	}
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string ("" = 0).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Log is an audit log file.
type Log struct {
	Path string
	// Perm is the mode a new file is created with (an existing file keeps
	// its own: admins may make a shared log group-writable).
	Perm os.FileMode
}

// DefaultPerm is the mode of a new shared (gateway) audit log; LocalPerm that
// of a personal one under $MLCTL_HOME.
const (
	DefaultPerm os.FileMode = 0o640
	LocalPerm   os.FileMode = 0o600
)

// maxLine bounds one record: a single write of this size to an O_APPEND
// file is not split by the kernel on local file systems, and the flock
// covers the rest (network file systems that honour it).
const maxLine = 64 << 10

// ExpandPath resolves $MLCTL_HOME (and other environment variables) and a
// leading ~/ in a configured audit-log path; home is $MLCTL_HOME's value.
func ExpandPath(p, home string) string {
	p = os.Expand(p, func(k string) string {
		if k == "MLCTL_HOME" {
			return home
		}
		return os.Getenv(k)
	})
	if strings.HasPrefix(p, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(h, p[2:])
		}
	}
	return p
}

// open opens the log for appending, creating it (and its directory, mode
// 0700) if needed.
func (l *Log) open() (*os.File, error) {
	if l.Path == "" {
		return nil, errors.New("audit: no log path")
	}
	perm := l.Perm
	if perm == 0 {
		perm = DefaultPerm
	}
	f, err := os.OpenFile(l.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, perm)
	if errors.Is(err, os.ErrNotExist) {
		if merr := os.MkdirAll(filepath.Dir(l.Path), 0o700); merr == nil {
			f, err = os.OpenFile(l.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, perm)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("audit log %s: %w", l.Path, err)
	}
	return f, nil
}

// Check reports whether a record could be appended now (the file opens for
// appending), without writing anything. Launch calls it before starting a
// cluster when the audit log must not miss it.
func (l *Log) Check() error {
	f, err := l.open()
	if err != nil {
		return err
	}
	return f.Close()
}

// Append writes r as one line. A zero Time is set to now.
func (l *Log) Append(r Record) error {
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	r.Time = r.Time.UTC()
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	if len(line) > maxLine {
		return fmt.Errorf("audit: record of %d bytes is over the %d-byte line limit", len(line), maxLine)
	}
	f, err := l.open()
	if err != nil {
		return err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("audit log %s: lock: %w", l.Path, err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	n, err := f.Write(line)
	if err == nil && n != len(line) {
		err = fmt.Errorf("short write (%d of %d bytes)", n, len(line))
	}
	if err != nil {
		return fmt.Errorf("audit log %s: %w", l.Path, err)
	}
	return nil
}
