package shared

import (
	"fmt"
	"os"

	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/profile"
)

// ReadFile parses the policy file at path without the file-safety check
// (validate and diff read drafts an admin has not installed yet). Problems
// come back as a usage error wrapping profile.Problems.
func ReadFile(path string) (*profile.Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, errs.New(errs.Usage, fmt.Errorf("policy %s: %w", path, err), "give the path of a policy file")
	}
	p, err := profile.Parse(path, data)
	if err != nil {
		return nil, errs.New(errs.Usage, err, "")
	}
	return p, nil
}

// Describe names where a policy came from, for the first line of output.
func Describe(p *profile.Policy) string {
	if p.Source == "" || p.Source == profile.EmbeddedSource {
		return "the embedded default policy (no " + profile.DefaultPath + ", --policy or $" + profile.EnvPolicy + ")"
	}
	return p.Source
}
