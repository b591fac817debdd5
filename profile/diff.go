package profile

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Diff says who gains or loses what between two policies, one sentence per
// change ("group analysts: max nodes per cluster 8 → 4", "user carol loses
// the admin role", "profile intern is removed (users who matched it now
// match standard)"), sorted so the output is the same on every run.
//
// Limits are compared per subject: for every group and user a profile of
// either policy names (and "*"), the profile it resolves to in each policy,
// as if it were a user with only that group.
func Diff(old, new *Policy) []string {
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }

	diffSubjects(add, "admin", old.Roles.Admin, new.Roles.Admin)
	diffSubjects(add, "standard", old.Roles.Standard, new.Roles.Standard)
	for _, u := range minus(new.Roles.Disabled, old.Roles.Disabled) {
		add("user %s is disabled", u)
	}
	for _, u := range minus(old.Roles.Disabled, new.Roles.Disabled) {
		add("user %s is no longer disabled", u)
	}

	for _, op := range old.Profiles {
		if newProfile(new, op.Name) != nil {
			continue
		}
		now := map[string]bool{}
		for _, s := range subjectsOf(&op) {
			if pr := new.Resolve(s.identity()).Profile; pr != nil {
				now[pr.Name] = true
			} else {
				now["no profile (they can no longer launch)"] = true
			}
		}
		where := "no profile (they can no longer launch)"
		if len(now) > 0 {
			where = strings.Join(slices.Sorted(maps.Keys(now)), " or ")
		}
		add("profile %s is removed (users who matched it now match %s)", op.Name, where)
	}
	for _, np := range new.Profiles {
		if newProfile(old, np.Name) == nil {
			add("profile %s is added (for %s)", np.Name, subjectsText(&np))
		}
	}

	for _, s := range allSubjects(old, new) {
		id := s.identity()
		a, b := old.Resolve(id).Profile, new.Resolve(id).Profile
		who := s.String()
		switch {
		case a == nil && b == nil:
			continue
		case a == nil:
			add("%s: gets profile %s (had none)", who, b.Name)
			continue
		case b == nil:
			add("%s: loses profile %s (no profile applies any more)", who, a.Name)
			continue
		case a.Name != b.Name:
			add("%s: profile %s → %s", who, a.Name, b.Name)
		}
		for _, c := range limitChanges(a, b) {
			add("%s: %s", who, c)
		}
	}

	diffEngines(add, old, new)
	diffBackends(add, old, new)
	for _, u := range sortedKeys(old.GroupMapping, new.GroupMapping) {
		og, ng := old.GroupMapping[u], new.GroupMapping[u]
		if !slices.Equal(og, ng) {
			add("user %s: groups (group_mapping) %s → %s", u, listText(og), listText(ng))
		}
	}
	if (old.GroupMapping == nil) != (new.GroupMapping == nil) {
		if new.GroupMapping == nil {
			add("groups come from the operating system instead of group_mapping")
		} else {
			add("groups come from group_mapping instead of the operating system")
		}
	}
	change(add, "naming: YARN application prefix", old.Naming.AppPrefix, new.Naming.AppPrefix)
	change(add, "naming: audit log", old.Naming.AuditLog, new.Naming.AuditLog)
	change(add, "contact", old.Contact, new.Contact)
	sort.Strings(out)
	return slices.Compact(out)
}

func (s subject) identity() Identity {
	if s.name == Everyone {
		return Identity{User: "\x00anyone"}
	}
	if s.group {
		return Identity{User: "\x00member", Groups: []string{s.name}}
	}
	return Identity{User: s.name}
}

func allSubjects(ps ...*Policy) []subject {
	seen := map[subject]bool{{true, Everyone}: true}
	for _, p := range ps {
		for i := range p.Profiles {
			for _, s := range subjectsOf(&p.Profiles[i]) {
				if s.name == Everyone {
					s.group = true
				}
				seen[s] = true
			}
		}
	}
	out := slices.Collect(maps.Keys(seen))
	sort.Slice(out, func(i, j int) bool {
		if out[i].group != out[j].group {
			return out[i].group
		}
		return out[i].name < out[j].name
	})
	return out
}

func newProfile(p *Policy, name string) *Profile {
	for i := range p.Profiles {
		if p.Profiles[i].Name == name {
			return &p.Profiles[i]
		}
	}
	return nil
}

func subjectsText(pr *Profile) string {
	var parts []string
	for _, s := range subjectsOf(pr) {
		parts = append(parts, s.String())
	}
	if len(parts) == 0 {
		return "nobody"
	}
	return joinWords(parts)
}

func diffSubjects(add func(string, ...any), role string, a, b Subjects) {
	for _, g := range minus(b.Groups, a.Groups) {
		add("%s gains the %s role", subject{true, g}, role)
	}
	for _, g := range minus(a.Groups, b.Groups) {
		add("%s loses the %s role", subject{true, g}, role)
	}
	for _, u := range minus(b.Users, a.Users) {
		add("%s gains the %s role", subject{false, u}, role)
	}
	for _, u := range minus(a.Users, b.Users) {
		add("%s loses the %s role", subject{false, u}, role)
	}
}

// minus is the sorted elements of a not in b.
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func limitChanges(a, b *Profile) []string {
	var out []string
	num := func(what string, x, y int) {
		if x != y {
			out = append(out, fmt.Sprintf("%s %s → %s", what, limitText(x), limitText(y)))
		}
	}
	num("clusters at once", a.ClusterLimit, b.ClusterLimit)
	num("min nodes per cluster", a.Nodes.Min, b.Nodes.Min)
	num("max nodes per cluster", a.Nodes.Max, b.Nodes.Max)
	num("default nodes per cluster", a.Nodes.Default, b.Nodes.Default)
	if a.MemoryPerNode.Max != b.MemoryPerNode.Max {
		out = append(out, fmt.Sprintf("max memory per node %s → %s", bytesLimit(a.MemoryPerNode.Max), bytesLimit(b.MemoryPerNode.Max)))
	}
	if a.MemoryPerNode.Default != b.MemoryPerNode.Default {
		out = append(out, fmt.Sprintf("default memory per node %s → %s", FormatBytes(a.MemoryPerNode.Default), FormatBytes(b.MemoryPerNode.Default)))
	}
	num("max vcores per node", a.VCoresPerNode.Max, b.VCoresPerNode.Max)
	num("default vcores per node", a.VCoresPerNode.Default, b.VCoresPerNode.Default)
	if a.MaxIdle != b.MaxIdle {
		out = append(out, fmt.Sprintf("max idle time %s → %s", durLimit(a.MaxIdle), durLimit(b.MaxIdle)))
	}
	if a.MaxUptime != b.MaxUptime {
		out = append(out, fmt.Sprintf("max uptime %s → %s", durLimit(a.MaxUptime), durLimit(b.MaxUptime)))
	}
	if a.ClusterSave != b.ClusterSave {
		out = append(out, fmt.Sprintf("cluster save %s → %s", onOff(a.ClusterSave), onOff(b.ClusterSave)))
	}
	for _, q := range minus(b.Queues, a.Queues) {
		out = append(out, "may use queue "+q)
	}
	for _, q := range minus(a.Queues, b.Queues) {
		out = append(out, "may no longer use queue "+q)
	}
	if a.DefaultQueue != b.DefaultQueue {
		out = append(out, fmt.Sprintf("default queue %s → %s", orNone(a.DefaultQueue), orNone(b.DefaultQueue)))
	}
	if !slices.Equal(a.Engines, b.Engines) {
		out = append(out, fmt.Sprintf("allowed engine versions %s → %s", enginesText(a.Engines), enginesText(b.Engines)))
	}
	for _, k := range sortedKeys(a.Env, b.Env) {
		x, inA := a.Env[k]
		y, inB := b.Env[k]
		switch {
		case !inA:
			out = append(out, fmt.Sprintf("environment gains %s=%s", k, y))
		case !inB:
			out = append(out, fmt.Sprintf("environment loses %s", k))
		case x != y:
			out = append(out, fmt.Sprintf("environment %s: %s → %s", k, x, y))
		}
	}
	return out
}

func diffEngines(add func(string, ...any), old, new *Policy) {
	change(add, "default engine version", old.Engines.Default, new.Engines.Default)
	for _, e := range old.Engines.Versions {
		ne, _ := new.Engine(e.Name)
		switch {
		case ne == nil:
			add("engine version %s is removed", e.Name)
		case ne.Path != e.Path:
			add("engine version %s: path %s → %s", e.Name, e.Path, ne.Path)
		case !strings.EqualFold(ne.SHA256, e.SHA256):
			add("engine version %s: checksum changes (a different build)", e.Name)
		}
	}
	for _, e := range new.Engines.Versions {
		if oe, _ := old.Engine(e.Name); oe == nil {
			add("engine version %s is added (%s)", e.Name, e.Path)
		}
	}
}

func diffBackends(add func(string, ...any), old, new *Policy) {
	a, b := old.Backends, new.Backends
	if a.Yarn.Enabled != b.Yarn.Enabled {
		add("yarn backend: %s → %s", enabled(a.Yarn.Enabled), enabled(b.Yarn.Enabled))
	}
	if a.Local.Enabled != b.Local.Enabled {
		add("local backend: %s → %s", enabled(a.Local.Enabled), enabled(b.Local.Enabled))
	}
	if !slices.Equal(a.Yarn.RMAddresses, b.Yarn.RMAddresses) {
		add("yarn ResourceManagers %s → %s", listText(a.Yarn.RMAddresses), listText(b.Yarn.RMAddresses))
	}
	change(add, "yarn hadoop_conf_dir", a.Yarn.HadoopConfDir, b.Yarn.HadoopConfDir)
	change(add, "hdfs nameservice", a.HDFS.Nameservice, b.HDFS.Nameservice)
	change(add, "kerberos realm", a.Kerberos.Realm, b.Kerberos.Realm)
	change(add, "kerberos krb5.conf", a.Kerberos.Krb5Conf, b.Kerberos.Krb5Conf)
	if !slices.Equal(a.Kerberos.AuthToLocal, b.Kerberos.AuthToLocal) {
		add("kerberos auth_to_local rules change: principals may map to other user names")
	}
}

func change(add func(string, ...any), what, a, b string) {
	if a != b {
		add("%s %s → %s", what, orNone(a), orNone(b))
	}
}

func sortedKeys[V any](ms ...map[string]V) []string {
	seen := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			seen[k] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

func limitText(n int) string {
	if n == 0 {
		return "no limit"
	}
	return strconv.Itoa(n)
}

func bytesLimit(b int64) string {
	if b == 0 {
		return "no limit"
	}
	return FormatBytes(b)
}

func durLimit(d time.Duration) string {
	if d == 0 {
		return "no limit"
	}
	return FormatDuration(d)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func enabled(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func listText(l []string) string {
	if len(l) == 0 {
		return "(none)"
	}
	return strings.Join(l, ", ")
}

func enginesText(l []string) string {
	if len(l) == 0 {
		return "all"
	}
	return strings.Join(l, ", ")
}
