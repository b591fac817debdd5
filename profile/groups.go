package profile

import (
	"fmt"
	"os/user"
	"slices"
)

// Groups returns user's groups: from the policy's group_mapping when it has
// one (a user it does not list has no groups), else from the operating
// system like Hadoop's ShellBasedUnixGroupsMapping (primary group first).
func (p *Policy) Groups(name string) ([]string, error) {
	if p.GroupMapping != nil {
		return slices.Clone(p.GroupMapping[name]), nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("groups of %s: %w", name, err)
	}
	ids, err := u.GroupIds()
	if err != nil {
		return nil, fmt.Errorf("groups of %s: %w", name, err)
	}
	if i := slices.Index(ids, u.Gid); i > 0 {
		ids = append([]string{u.Gid}, slices.Delete(ids, i, i+1)...)
	}
	var out []string
	for _, id := range ids {
		g, err := user.LookupGroupId(id)
		if err != nil {
			continue // a gid without a name: Hadoop skips it too
		}
		if !slices.Contains(out, g.Name) {
			out = append(out, g.Name)
		}
	}
	return out, nil
}

// Identify is who a Kerberos principal is under this policy: its short
// name (ShortName) and that user's groups (Groups).
func (p *Policy) Identify(principal string) (Identity, error) {
	name, err := p.ShortName(principal)
	if err != nil {
		return Identity{Principal: principal}, err
	}
	groups, err := p.Groups(name)
	if err != nil {
		return Identity{Principal: principal, User: name}, err
	}
	return Identity{Principal: principal, User: name, Groups: groups}, nil
}
