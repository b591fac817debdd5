package profile

import (
	"fmt"
	"slices"
	"sort"
)

// Identity is who is asking: the Kerberos principal (empty on the local
// backend without Kerberos), the short user name and the user's groups.
type Identity struct {
	Principal string   `json:"principal,omitempty" yaml:"principal,omitempty"`
	User      string   `json:"user" yaml:"user"`
	Groups    []string `json:"groups" yaml:"groups"`
}

// Roles a user can have; RoleNone means the user may do nothing.
const (
	RoleAdmin    = "admin"
	RoleStandard = "standard"
	RoleNone     = ""
)

// Shadow is a profile that matched the user but lost to the chosen one.
type Shadow struct {
	Profile string `json:"profile" yaml:"profile"`
	Rule    string `json:"rule" yaml:"rule"` // how it matched, in words
	Why     string `json:"why" yaml:"why"`   // why it lost
}

// Resolution is what the policy says about one identity.
type Resolution struct {
	Identity Identity `json:"identity" yaml:"identity"`
	// Role is RoleAdmin, RoleStandard or RoleNone (denied).
	Role     string `json:"role" yaml:"role"`
	Disabled bool   `json:"disabled" yaml:"disabled"`
	// RoleRule says how the role was given, in words.
	RoleRule string `json:"role_rule,omitempty" yaml:"role_rule,omitempty"`
	// Profile is the winning profile, nil when none matches.
	Profile *Profile `json:"profile,omitempty" yaml:"profile,omitempty"`
	// Matched is the rule that chose Profile, in words
	// (`group "interns" of profile intern`).
	Matched  string   `json:"matched,omitempty" yaml:"matched,omitempty"`
	Shadowed []Shadow `json:"shadowed,omitempty" yaml:"shadowed,omitempty"`
	// Contact says who administers the policy.
	Contact string `json:"contact" yaml:"contact"`

	policy *Policy
}

// matchSubjects says whether the identity is among groups/users, and how,
// in words; what names what matched ("profile intern", "the admin role").
func matchSubjects(id Identity, groups, users []string, what string) (string, bool) {
	for _, u := range users {
		if u == Everyone {
			return fmt.Sprintf(`users "*" (every authenticated user) of %s`, what), true
		}
		if u == id.User {
			return fmt.Sprintf("user %q of %s", u, what), true
		}
	}
	for _, g := range groups {
		if g == Everyone {
			return fmt.Sprintf(`groups "*" (every authenticated user) of %s`, what), true
		}
		if slices.Contains(id.Groups, g) {
			return fmt.Sprintf("group %q of %s", g, what), true
		}
	}
	return "", false
}

// Resolve finds the identity's role and profile. Every profile whose groups
// or users match is a candidate; the highest priority wins, and among equal
// priorities (which validation refuses when it can see them) the first in
// the file.
func (p *Policy) Resolve(id Identity) *Resolution {
	r := &Resolution{Identity: id, policy: p, Contact: p.ContactText()}
	if slices.Contains(p.Roles.Disabled, id.User) {
		r.Disabled = true
		r.RoleRule = fmt.Sprintf("user %q is disabled", id.User)
	} else if rule, ok := matchSubjects(id, p.Roles.Admin.Groups, p.Roles.Admin.Users, "the admin role"); ok {
		r.Role, r.RoleRule = RoleAdmin, rule
	} else if rule, ok := matchSubjects(id, p.Roles.Standard.Groups, p.Roles.Standard.Users, "the standard role"); ok {
		r.Role, r.RoleRule = RoleStandard, rule
	} else {
		r.RoleRule = "no role names this user or any of their groups"
	}
	type cand struct {
		i    int
		rule string
	}
	var cands []cand
	for i := range p.Profiles {
		pr := &p.Profiles[i]
		if rule, ok := matchSubjects(id, pr.Groups, pr.Users, "profile "+pr.Name); ok {
			cands = append(cands, cand{i, rule})
		}
	}
	sort.SliceStable(cands, func(a, b int) bool {
		return p.Profiles[cands[a].i].Priority > p.Profiles[cands[b].i].Priority
	})
	if len(cands) == 0 {
		return r
	}
	win := &p.Profiles[cands[0].i]
	r.Profile, r.Matched = win, cands[0].rule
	for _, c := range cands[1:] {
		lo := &p.Profiles[c.i]
		why := fmt.Sprintf("priority %d is lower than profile %s's %d", lo.Priority, win.Name, win.Priority)
		if lo.Priority == win.Priority {
			why = fmt.Sprintf("same priority %d as profile %s, which comes first in the file", lo.Priority, win.Name)
		}
		r.Shadowed = append(r.Shadowed, Shadow{Profile: lo.Name, Rule: c.rule, Why: why})
	}
	return r
}

// ContactText says who administers the policy: the contact field, else the
// admin role's users and groups.
func (p *Policy) ContactText() string {
	if p.Contact != "" {
		return p.Contact
	}
	var parts []string
	for _, u := range p.Roles.Admin.Users {
		parts = append(parts, "user "+u)
	}
	for _, g := range p.Roles.Admin.Groups {
		parts = append(parts, "group "+g)
	}
	if len(parts) == 0 {
		return "the administrator of " + p.Source
	}
	return "the policy's admins (" + joinWords(parts) + ")"
}

func joinWords(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	out := ""
	for i, s := range parts {
		switch {
		case i == 0:
			out = s
		case i == len(parts)-1:
			out += " and " + s
		default:
			out += ", " + s
		}
	}
	return out
}
