package queueconfig

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl/profile"
)

// Property is one capacity-scheduler property and why it is set.
type Property struct {
	Name, Value, Why string
}

const prefix = "yarn.scheduler.capacity."

// queuePath is the queue's full path: profiles may name a leaf ("adhoc")
// or a path ("root.team.adhoc").
func queuePath(q string) string {
	if q == "root" || strings.HasPrefix(q, "root.") {
		return q
	}
	return "root." + q
}

// Generate derives the properties from the policy's profiles, queue by
// queue in name order. Notes are things the policy says that YARN cannot be
// made to enforce.
func Generate(pol *profile.Policy) (props []Property, notes []string) {
	byQueue := map[string][]*profile.Profile{}
	anyQueue := false
	for i := range pol.Profiles {
		pr := &pol.Profiles[i]
		qs := slices.Clone(pr.Queues)
		if pr.DefaultQueue != "" && !slices.Contains(qs, pr.DefaultQueue) {
			qs = append(qs, pr.DefaultQueue)
		}
		if len(qs) == 0 {
			anyQueue = true
			notes = append(notes, fmt.Sprintf("profile %s allows any queue, so no queue ACL can reflect it; give it queues to have YARN enforce them", pr.Name))
		}
		for _, q := range qs {
			byQueue[queuePath(q)] = append(byQueue[queuePath(q)], pr)
		}
	}
	queues := make([]string, 0, len(byQueue))
	for q := range byQueue {
		queues = append(queues, q)
	}
	sort.Strings(queues)

	admins := acl(pol.Roles.Admin.Users, pol.Roles.Admin.Groups)
	if anyQueue {
		// Closing root would lock those profiles' users out of every queue.
		notes = append(notes, "root's acl_submit_applications is left as it is (by default everyone, inherited by every queue), since a profile may use any queue; the queue ACLs below only add to it until every profile names its queues")
	} else {
		props = append(props, Property{prefix + "root.acl_submit_applications", " ",
			"Queue ACLs are inherited: whoever may submit to a parent queue may submit to all its children, and root's default is \"*\" (everyone). A single space means nobody, so only the ACLs of the queues below decide."})
	}
	props = append(props, Property{prefix + "root.acl_administer_queue", admins,
		"The policy's admins (roles.admin) may administer every queue: kill any application, which mlctl admin reap needs for other users' clusters."})
	for _, q := range queues {
		prs := byQueue[q]
		names := profileNames(prs)
		var users, groups []string
		for _, pr := range prs {
			users = append(users, pr.Users...)
			groups = append(groups, pr.Groups...)
		}
		props = append(props, Property{prefix + q + ".acl_submit_applications", acl(users, groups),
			fmt.Sprintf("Who may submit to %s: the users and groups of the profiles that allow it (%s).", q, names)})

		if secs, ok := maxOf(prs, func(p *profile.Profile) int64 { return int64(p.MaxUptime.Seconds()) }); ok {
			props = append(props,
				Property{prefix + q + ".maximum-application-lifetime", strconv.FormatInt(secs, 10),
					fmt.Sprintf("Seconds: the longest max_uptime of %s (%s). The RM kills any application in %s older than this, even one not launched by mlctl or whose lifetime was raised later.", names, profile.FormatDuration(time.Duration(secs)*time.Second), q)},
				Property{prefix + q + ".default-application-lifetime", strconv.FormatInt(secs, 10),
					fmt.Sprintf("Seconds: the lifetime of applications submitted without one (mlctl always sets the profile's). It applies to every application in %s, not only mlctl's.", q)})
		} else {
			notes = append(notes, fmt.Sprintf("queue %s: a profile without max_uptime allows it (%s), so no lifetime is set", q, names))
		}
		if mb, ok := maxOf(prs, func(p *profile.Profile) int64 { return p.MemoryPerNode.Max >> 20 }); ok {
			props = append(props, Property{prefix + q + ".maximum-allocation-mb", strconv.FormatInt(max(mb, 128), 10),
				fmt.Sprintf("MB: the largest memory_per_node.max of %s; no container in %s may be larger (the ApplicationMaster takes 128 MB).", names, q)})
		} else {
			notes = append(notes, fmt.Sprintf("queue %s: a profile without memory_per_node.max allows it (%s), so no maximum-allocation-mb is set", q, names))
		}
		if vc, ok := maxOf(prs, func(p *profile.Profile) int64 { return int64(p.VCoresPerNode.Max) }); ok {
			props = append(props, Property{prefix + q + ".maximum-allocation-vcores", strconv.FormatInt(vc, 10),
				fmt.Sprintf("The largest vcores_per_node.max of %s; no container in %s may have more.", names, q)})
		} else {
			notes = append(notes, fmt.Sprintf("queue %s: a profile without vcores_per_node.max allows it (%s), so no maximum-allocation-vcores is set", q, names))
		}
		if shared(prs) {
			props = append(props, Property{prefix + q + ".user-limit-factor", "1",
				fmt.Sprintf("%s is shared by several users: one user may take at most the queue's configured capacity, so one user's clusters cannot starve the others (cluster_limit bounds their number; this bounds their size together). Raise it to let a lone user borrow idle capacity.", q)})
		}
	}
	return props, notes
}

func profileNames(prs []*profile.Profile) string {
	names := make([]string, len(prs))
	for i, p := range prs {
		names[i] = "profile " + p.Name
	}
	return strings.Join(names, ", ")
}

// acl is YARN's ACL syntax: "user1,user2 group1,group2"; "*" for everyone.
func acl(users, groups []string) string {
	if slices.Contains(users, profile.Everyone) || slices.Contains(groups, profile.Everyone) {
		return "*"
	}
	users, groups = uniq(users), uniq(groups)
	s := strings.Join(users, ",") + " " + strings.Join(groups, ",")
	if len(users) == 0 && len(groups) == 0 {
		return " "
	}
	return s
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return slices.Compact(s)
}

// maxOf is the largest f over prs, and false when any profile has no limit
// (0): then YARN must not be given one.
func maxOf(prs []*profile.Profile, f func(*profile.Profile) int64) (int64, bool) {
	var m int64
	for _, p := range prs {
		v := f(p)
		if v <= 0 {
			return 0, false
		}
		m = max(m, v)
	}
	return m, true
}

// shared: more than one user can submit (a group, or several users).
func shared(prs []*profile.Profile) bool {
	var users []string
	for _, p := range prs {
		if len(p.Groups) > 0 {
			return true
		}
		users = append(users, p.Users...)
	}
	return len(uniq(users)) > 1
}
