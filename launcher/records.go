package launcher

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/internal/errs"
)

// Cluster states. The four end states say what ended the cluster; its
// Diagnostics keep the first cause seen.
const (
	StateStarting = "starting"
	StateRunning  = "running"
	StateStopped  = "stopped" // by the user (mlctl cluster stop), or the leader's idle limit
	StateExpired  = "expired" // YARN ended it at its lifetime (--max-uptime)
	StateKilled   = "killed"  // killed by YARN or an admin (yarn application -kill), not by mlctl
	StateFailed   = "failed"  // a node or the AM failed; Diagnostics says why
)

// Ended reports whether a state is one of the end states.
func Ended(state string) bool {
	switch state {
	case StateStopped, StateExpired, StateKilled, StateFailed:
		return true
	}
	return false
}

const recordFile = "record.json"

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidateName checks a cluster name.
func ValidateName(name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("cluster name %q: use 1-63 lower-case letters, digits and '-', starting with a letter or digit", name)
	}
	return nil
}

func writeRecord(dir string, r *Record) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return cloud.WriteFileAtomic(filepath.Join(dir, recordFile), append(b, '\n'), 0o600)
}

func readRecord(dir string) (*Record, error) {
	b, err := os.ReadFile(filepath.Join(dir, recordFile))
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("cluster record %s is damaged: %w", filepath.Join(dir, recordFile), err)
	}
	return &r, nil
}

// isNotExist is true for a missing record or directory.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// leaderClient is an API client for a record's leader, or why there is none:
// an ended cluster (exit 1) or one whose cloud has not formed yet (exit 8).
func leaderClient(rec *Record) (*api.Client, error) {
	if Ended(rec.State) {
		why := rec.State
		if rec.Diagnostics != "" {
			why += " (" + rec.Diagnostics + ")"
		}
		return nil, errs.New(errs.Error, fmt.Errorf("cluster %q is %s", rec.Name, why),
			fmt.Sprintf("mlctl cluster delete %s, then launch it again", rec.Name))
	}
	if rec.Leader == "" {
		return nil, errs.New(errs.Pending, fmt.Errorf("cluster %q has not formed its cloud yet", rec.Name),
			"wait, or see mlctl cluster status "+rec.Name)
	}
	return api.NewClient(rec.Leader, rec.Token, []byte(rec.CACert))
}
