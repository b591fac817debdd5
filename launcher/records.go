package launcher

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/mlctl/mlctl/engine/cloud"
)

// Cluster states.
const (
	StateStarting = "starting"
	StateRunning  = "running"
	StateStopped  = "stopped"
	StateFailed   = "failed"
)

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
