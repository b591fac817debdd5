package completions

import (
	"context"
	"slices"

	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/profile"
	"github.com/spf13/cobra"
)

// queueLister is a backend that knows the scheduler's queues (the yarn
// backend and the router over it).
type queueLister interface {
	Queues(ctx context.Context) ([]string, error)
}

// mine is the policy in force and the caller's profile in it; the profile
// is nil when the caller matches none or cannot be identified.
func (n names) mine(ctx context.Context) (*profile.Policy, *profile.Profile, error) {
	g := enforce.FromFactory(n.f)
	g.Warn = nil // a completion writes nothing but candidates
	pol, err := g.Load()
	if err != nil {
		return nil, nil, err
	}
	id, err := g.Who(ctx, pol)
	if err != nil {
		return pol, nil, nil
	}
	res := pol.Resolve(id)
	if res == nil || res.Disabled {
		return pol, nil, nil
	}
	return pol, res.Profile, nil
}

// queues offers the queues the caller's profile allows, its default queue
// marked; a profile that allows any queue (or none found) lets the
// ResourceManager's running leaf queues through (not on the local backend).
func (n names) queues(ctx context.Context, cmd *cobra.Command) ([]string, error) {
	_, pr, err := n.mine(ctx)
	if err == nil && pr != nil && len(pr.Queues) > 0 {
		var out []string
		for _, q := range pr.Queues {
			desc := "allowed by profile " + pr.Name
			if q == pr.DefaultQueue {
				desc = "default of profile " + pr.Name
			}
			out = append(out, describe(q, desc))
		}
		return out, nil
	}
	backend := stringFlag(cmd, "backend")
	if backend == "local" {
		return nil, nil // local clusters have no queues
	}
	b, err := n.f.Backend("yarn")
	if err != nil {
		return nil, err
	}
	ql, ok := b.(queueLister)
	if !ok {
		return nil, nil
	}
	qs, err := ql.Queues(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, q := range qs {
		out = append(out, describe(q, "YARN queue"))
	}
	return out, nil
}

// profiles offers the policy's profile names, the caller's own marked.
func (n names) profiles(ctx context.Context, _ *cobra.Command) ([]string, error) {
	pol, pr, err := n.mine(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range pol.Profiles {
		desc := ""
		if pr != nil && p.Name == pr.Name {
			desc = "your profile"
		}
		out = append(out, describe(p.Name, desc))
	}
	return out, nil
}

// engines offers the policy's engine versions the caller's profile allows
// (all of them when it names none), the policy's default marked.
func (n names) engines(ctx context.Context, _ *cobra.Command) ([]string, error) {
	pol, pr, err := n.mine(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range pol.Engines.Versions {
		if pr != nil && len(pr.Engines) > 0 && !slices.Contains(pr.Engines, e.Name) {
			continue
		}
		desc := ""
		if e.Name == pol.Engines.Default {
			desc = "default"
		}
		out = append(out, describe(e.Name, desc))
	}
	return out, nil
}

// allEngines offers every engine version of the policy, for admins (engine
// upload) and for questions about other users (policy explain).
func (n names) allEngines(ctx context.Context, _ *cobra.Command) ([]string, error) {
	pol, _, err := n.mine(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range pol.Engines.Versions {
		out = append(out, describe(e.Name, e.Path))
	}
	return out, nil
}

// allQueues offers every queue some profile of the policy allows.
func (n names) allQueues(ctx context.Context, _ *cobra.Command) ([]string, error) {
	pol, _, err := n.mine(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range pol.Profiles {
		for _, q := range p.Queues {
			out = append(out, describe(q, "profile "+p.Name))
		}
	}
	return out, nil
}
