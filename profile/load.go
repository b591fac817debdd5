package profile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mlctl/mlctl/internal/errs"
)

// LoadOptions changes how Load treats the file.
type LoadOptions struct {
	// Insecure skips CheckFileSafety (--insecure-policy, for development).
	Insecure bool
}

// Locate says which policy file is in force: the flag value, else
// $MLCTL_POLICY, else DefaultPath if it exists, else "" (the embedded
// default). A named file that does not exist is an error, not a fallback.
func Locate(flag string) (string, error) {
	for _, c := range []struct{ path, from string }{{flag, "--policy"}, {os.Getenv(EnvPolicy), "$" + EnvPolicy}} {
		if c.path == "" {
			continue
		}
		if _, err := os.Stat(c.path); err != nil {
			return "", errs.New(errs.Usage, fmt.Errorf("policy %s (from %s): %w", c.path, c.from, err),
				"give the path of an existing policy file, or unset it to use "+DefaultPath)
		}
		return c.path, nil
	}
	// A default file that exists but cannot be read is in force all the
	// same: Load then says why it cannot be read, rather than silently
	// falling back to the embedded policy.
	if _, err := os.Stat(DefaultPath); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return DefaultPath, nil
	}
	return "", nil
}

// Load reads the policy at path ("" = Embedded()), parses and validates
// it, then checks the file's safety (unless opts.Insecure) with the
// policy's admin users as allowed owners. The file is opened once, and its
// mode and owner are taken from the open file, so what was checked is what
// was read. Problems come back as an errs.Usage error wrapping Problems
// (errors.As finds them).
func Load(path string, opts LoadOptions) (*Policy, error) {
	if path == "" {
		return Embedded(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, errs.New(errs.Usage, fmt.Errorf("policy: %w", err), "")
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, checkSafety(path, fi, fi, nil)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPolicySize+1))
	if err != nil {
		return nil, fmt.Errorf("read policy %s: %w", path, err)
	}
	if len(data) > maxPolicySize {
		return nil, errs.New(errs.Usage, fmt.Errorf("policy %s is larger than %d bytes", path, maxPolicySize), "a policy is a short YAML file; check the path")
	}
	p, err := Parse(path, data)
	if err != nil {
		return nil, errs.New(errs.Usage, err, "fix the policy and check it with: mlctl policy validate "+path)
	}
	if !opts.Insecure {
		dir, err := os.Stat(filepath.Dir(path))
		if err != nil {
			return nil, errs.New(errs.Usage, fmt.Errorf("policy %s: its directory: %w", path, err), "")
		}
		if err := checkSafety(path, fi, dir, p.Roles.Admin.Users); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// maxPolicySize bounds what Load reads.
const maxPolicySize = 4 << 20
