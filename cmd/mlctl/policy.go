package main

import (
	"sync"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/profile"
)

// policyLoader returns the Factory's Policy closure: the file the persistent
// --policy flag, $MLCTL_POLICY or /etc/mlctl/policy.yaml names (else the
// embedded default), loaded once, when a command first asks, so commands
// that never look at the policy never read it.
func policyLoader(f *cmdutil.Factory) func() (*profile.Policy, error) {
	var (
		once sync.Once
		pol  *profile.Policy
		err  error
	)
	return func() (*profile.Policy, error) {
		once.Do(func() {
			var path string
			if path, err = profile.Locate(f.PolicyFile); err != nil {
				return
			}
			pol, err = profile.Load(path, profile.LoadOptions{Insecure: f.InsecurePolicy})
		})
		return pol, err
	}
}
