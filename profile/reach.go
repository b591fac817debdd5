package profile

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// subject is one group or user a profile names.
type subject struct {
	group bool
	name  string
}

func (s subject) String() string {
	switch {
	case s.name == Everyone:
		return `"*" (every user)`
	case s.group:
		return "group " + s.name
	}
	return "user " + s.name
}

func subjectsOf(pr *Profile) []subject {
	var out []subject
	for _, g := range pr.Groups {
		out = append(out, subject{true, g})
	}
	for _, u := range pr.Users {
		out = append(out, subject{false, u})
	}
	return out
}

func hasEveryone(pr *Profile) bool {
	return slices.Contains(pr.Groups, Everyone) || slices.Contains(pr.Users, Everyone)
}

// covers says whether every user that s matches is also matched by q.
func covers(q *Profile, s subject) bool {
	if hasEveryone(q) {
		return true
	}
	if s.name == Everyone {
		return false
	}
	if s.group {
		return slices.Contains(q.Groups, s.name)
	}
	return slices.Contains(q.Users, s.name)
}

// checkReach reports profiles no user can ever get: naming nobody, naming
// only disabled users or (with a static group_mapping) empty groups, or
// naming only subjects a higher-priority profile already takes. It also
// reports equal priorities between profiles one user could match, where the
// file order alone would decide.
func (d *decoder) checkReach(p *Policy) {
	for i := range p.Profiles {
		pr := &p.Profiles[i]
		path := fmt.Sprintf("profiles[%d]", i)
		subs := subjectsOf(pr)
		if d.bad[d.pos.at(path+".groups")] || d.bad[d.pos.at(path+".users")] {
			continue // the schema already refused its subjects
		}
		if len(subs) == 0 {
			d.problemAt(path, fmt.Sprintf("profile %s names no groups or users, so no user can ever get it", pr.Name),
				`add groups: [GROUP] or users: [USER] ("*" for every user), or remove the profile`)
			continue
		}
		var why []string
		takers := map[string]bool{}
		for _, s := range subs {
			if !s.group && s.name != Everyone && slices.Contains(p.Roles.Disabled, s.name) {
				why = append(why, fmt.Sprintf("user %s is disabled", s.name))
				continue
			}
			if s.group && s.name != Everyone && p.GroupMapping != nil {
				members := membersOf(p, s.name)
				active := slices.DeleteFunc(slices.Clone(members), func(u string) bool { return slices.Contains(p.Roles.Disabled, u) })
				switch {
				case len(members) == 0:
					why = append(why, fmt.Sprintf("group_mapping puts nobody in group %s", s.name))
					continue
				case len(active) == 0:
					why = append(why, fmt.Sprintf("every member of group %s (%s) is disabled", s.name, strings.Join(members, ", ")))
					continue
				}
			}
			var by []string
			for j := range p.Profiles {
				q := &p.Profiles[j]
				if q.Priority > pr.Priority && covers(q, s) {
					by = append(by, q.Name)
				}
			}
			if len(by) == 0 {
				why = nil
				break
			}
			for _, b := range by {
				takers[b] = true
			}
			why = append(why, fmt.Sprintf("%s goes to %s", s, strings.Join(by, " or ")))
		}
		if len(why) > 0 {
			names := make([]string, 0, len(takers))
			for n := range takers {
				names = append(names, n)
			}
			sort.Strings(names)
			hint := "name a group or user it should apply to, or remove the profile"
			if len(names) > 0 {
				hint = fmt.Sprintf("give it a priority above %s's, or remove the profile", strings.Join(names, " and "))
			}
			d.problemAt(path, fmt.Sprintf("profile %s can never be chosen: %s", pr.Name, strings.Join(why, "; ")), hint)
		}
	}
	for i := range p.Profiles {
		for j := i + 1; j < len(p.Profiles); j++ {
			a, b := &p.Profiles[i], &p.Profiles[j]
			if a.Priority != b.Priority || a.Name == b.Name {
				continue
			}
			if who := bothMatch(p, a, b); who != "" {
				path := fmt.Sprintf("profiles[%d].priority", j)
				d.problemAt(path, fmt.Sprintf("profiles %s and %s have the same priority %d and %s would match both, so which applies is ambiguous",
					a.Name, b.Name, a.Priority, who),
					fmt.Sprintf("give the one that should win a higher priority, e.g. priority: %d", a.Priority+10))
			}
		}
	}
}

// bothMatch describes a user who would match both profiles, or "" if no
// such user can exist.
func bothMatch(p *Policy, a, b *Profile) string {
	if hasEveryone(a) && len(subjectsOf(b)) > 0 || hasEveryone(b) && len(subjectsOf(a)) > 0 {
		return "every user"
	}
	for _, u := range a.Users {
		if slices.Contains(b.Users, u) {
			return "user " + u
		}
	}
	for _, g := range a.Groups {
		if slices.Contains(b.Groups, g) {
			return "a member of group " + g
		}
	}
	if p.GroupMapping != nil {
		users := make([]string, 0, len(p.GroupMapping))
		for u := range p.GroupMapping {
			users = append(users, u)
		}
		sort.Strings(users)
		for _, u := range users {
			id := Identity{User: u, Groups: p.GroupMapping[u]}
			_, inA := matchSubjects(id, a.Groups, a.Users, "")
			_, inB := matchSubjects(id, b.Groups, b.Users, "")
			if inA && inB {
				return "user " + u
			}
		}
		return ""
	}
	// Group membership comes from the system and can change: any user may
	// be in a group of each, or be named by one and in a group of the other.
	switch {
	case len(a.Groups) > 0 && len(b.Groups) > 0:
		return fmt.Sprintf("a member of both %s and %s", a.Groups[0], b.Groups[0])
	case len(a.Users) > 0 && len(b.Groups) > 0:
		return fmt.Sprintf("user %s, if in group %s,", a.Users[0], b.Groups[0])
	case len(b.Users) > 0 && len(a.Groups) > 0:
		return fmt.Sprintf("user %s, if in group %s,", b.Users[0], a.Groups[0])
	}
	return ""
}

// membersOf lists the users group_mapping puts in group g.
func membersOf(p *Policy, g string) []string {
	var out []string
	for u, gs := range p.GroupMapping {
		if slices.Contains(gs, g) {
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out
}
