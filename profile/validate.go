package profile

import (
	"encoding/hex"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// validate checks what the schema cannot: ranges, references between
// sections, reachability and ambiguity of profiles. It runs even when the
// schema had problems, so one run reports everything.
func (d *decoder) validate(p *Policy) {
	d.checkBackends(p)
	d.checkEngines(p)
	d.checkRoles(p)
	d.checkProfiles(p)
	d.checkReach(p)
}

func (d *decoder) checkBackends(p *Policy) {
	for i, a := range p.Backends.Yarn.RMAddresses {
		path := fmt.Sprintf("backends.yarn.rm_addresses[%d]", i)
		a = strings.TrimPrefix(strings.TrimPrefix(a, "https://"), "http://")
		host, port, err := net.SplitHostPort(strings.TrimSuffix(a, "/"))
		if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			d.problemAt(path, fmt.Sprintf("%s: %q is not host:port", path, p.Backends.Yarn.RMAddresses[i]),
				"write the ResourceManager's web address, e.g. rm1.example.com:8088 (https://rm1.example.com:8090 for HTTPS)")
		}
	}
	for i, r := range p.Backends.Kerberos.AuthToLocal {
		if _, err := parseRule(r); err != nil {
			path := fmt.Sprintf("backends.kerberos.auth_to_local[%d]", i)
			d.problemAt(path, fmt.Sprintf("%s: %v", path, err),
				`write DEFAULT or RULE:[n:format](regex)s/pattern/replacement/[g][/L], e.g. RULE:[1:$1@$0](.*@EXAMPLE\.COM)s/@.*//`)
		}
	}
	for path, v := range map[string]string{
		"backends.yarn.hadoop_conf_dir": p.Backends.Yarn.HadoopConfDir,
		"backends.kerberos.krb5_conf":   p.Backends.Kerberos.Krb5Conf,
	} {
		if v != "" && !filepath.IsAbs(v) {
			d.problemAt(path, fmt.Sprintf("%s: %q is not an absolute path", path, v), "write the full path, e.g. "+map[string]string{
				"backends.yarn.hadoop_conf_dir": "/etc/hadoop/conf", "backends.kerberos.krb5_conf": "/etc/krb5.conf"}[path])
		}
	}
	if a := p.Naming.AuditLog; a != "" && !filepath.IsAbs(a) && !strings.HasPrefix(a, "$MLCTL_HOME/") {
		d.problemAt("naming.audit_log", fmt.Sprintf("naming.audit_log: %q is relative, so it would depend on the directory mlctl runs in", a),
			"write an absolute path such as /var/log/mlctl/audit.log, or $MLCTL_HOME/audit.log")
	}
	if !p.Backends.Yarn.Enabled && !p.Backends.Local.Enabled {
		d.problemAt("backends", "no backend is enabled: nobody can launch a cluster",
			"add backends.yarn (rm_addresses or hadoop_conf_dir) or set backends.local.enabled: true")
	}
}

func (d *decoder) checkEngines(p *Policy) {
	seen := map[string]int{}
	for i, e := range p.Engines.Versions {
		path := fmt.Sprintf("engines.versions[%d]", i)
		if e.Name == "" {
			d.problemAt(path, path+": an engine version needs a name", "add name: \"3.46\" (the version users pick with --engine)")
		} else if j, dup := seen[e.Name]; dup {
			d.problemAt(path+".name", fmt.Sprintf("engine version %q is defined twice (first at line %d)", e.Name, d.pos.at(fmt.Sprintf("engines.versions[%d]", j)).line),
				"give each build its own name")
		} else {
			seen[e.Name] = i
			if !engineName(e.Name) {
				d.problemAt(path+".name", fmt.Sprintf("engine version name %q has characters other than letters, digits, '.', '-' and '_'", e.Name), "use a version such as 3.46 or 3.46-hotfix1")
			}
		}
		switch {
		case e.Path == "":
			d.problemAt(path, fmt.Sprintf("%s: engine %s has no path", path, e.Name), "add path: hdfs:///apps/mlctl/engines/VERSION/mlctl (mlctl admin engine upload stages it)")
		case !strings.HasPrefix(e.Path, "hdfs://") && !strings.HasPrefix(e.Path, "viewfs://") && !strings.HasPrefix(e.Path, "/"):
			d.problemAt(path+".path", fmt.Sprintf("%s.path: %q is not an HDFS path", path, e.Path), "write hdfs:///apps/mlctl/engines/VERSION/mlctl or an absolute path on the default file system")
		}
		if b, err := hex.DecodeString(e.SHA256); err != nil || len(b) != 32 {
			msg := fmt.Sprintf("%s.sha256: engine %s needs the SHA-256 of its binary as 64 hex digits", path, e.Name)
			if e.SHA256 != "" {
				msg = fmt.Sprintf("%s.sha256: %q is not 64 hex digits", path, e.SHA256)
			}
			d.problemAt(path+".sha256", msg, "run sha256sum on the binary, or stage it with: mlctl admin engine upload VERSION (it prints the checksum)")
		}
	}
	if def := p.Engines.Default; def != "" {
		if _, ok := seen[def]; !ok {
			d.problemAt("engines.default", fmt.Sprintf("engines.default: engine version %q is not defined", def), definedHint(p))
		}
	}
}

func definedHint(p *Policy) string {
	var names []string
	for _, n := range p.engineNames() {
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "define it under engines.versions"
	}
	return "defined versions: " + strings.Join(names, ", ")
}

func (d *decoder) checkRoles(p *Policy) {
	for i, u := range p.Roles.Disabled {
		path := fmt.Sprintf("roles.disabled[%d]", i)
		if u == Everyone {
			d.problemAt(path, `roles.disabled: "*" would disable every user`, "name the users to disable")
			continue
		}
		if slices.Contains(p.Roles.Admin.Users, u) {
			d.problemAt(path, fmt.Sprintf("user %s is disabled and also an admin (roles.admin.users)", u),
				"remove the user from roles.admin.users, or from roles.disabled")
			continue
		}
		for _, g := range p.GroupMapping[u] {
			if slices.Contains(p.Roles.Admin.Groups, g) {
				d.problemAt(path, fmt.Sprintf("user %s is disabled and also an admin (group_mapping puts them in admin group %s)", u, g),
					"remove the user from roles.disabled, or from group "+g+" in group_mapping")
				break
			}
		}
	}
}

func (d *decoder) checkProfiles(p *Policy) {
	seen := map[string]int{}
	for i := range p.Profiles {
		pr := &p.Profiles[i]
		path := fmt.Sprintf("profiles[%d]", i)
		switch {
		case pr.Name == "":
			d.problemAt(path, path+": a profile needs a name", "add name: NAME (letters, digits, - and _)")
		case !profileName(pr.Name):
			d.problemAt(path+".name", fmt.Sprintf("profile name %q has characters other than letters, digits, - and _", pr.Name), "rename it, e.g. "+safeName(pr.Name))
		}
		if j, dup := seen[pr.Name]; dup && pr.Name != "" {
			d.problemAt(path+".name", fmt.Sprintf("profile %s is defined twice (first at line %d)", pr.Name, d.pos.at(fmt.Sprintf("profiles[%d]", j)).line),
				"rename one, or merge them")
		} else {
			seen[pr.Name] = i
		}
		d.checkRanges(pr, path)
		if pr.DefaultQueue != "" && len(pr.Queues) > 0 && !slices.Contains(pr.Queues, pr.DefaultQueue) {
			d.problemAt(path+".default_queue", fmt.Sprintf("profile %s: default queue %q is not among its queues (%s)", pr.Name, pr.DefaultQueue, strings.Join(pr.Queues, ", ")),
				"add it to queues, or pick one of them")
		}
		for j, e := range pr.Engines {
			if _, err := p.Engine(e); err != nil && e != "" {
				d.problemAt(fmt.Sprintf("%s.engines[%d]", path, j), fmt.Sprintf("profile %s allows engine version %q, which is not defined", pr.Name, e), definedHint(p))
			}
		}
	}
}

func (d *decoder) checkRanges(pr *Profile, path string) {
	n := pr.Nodes
	np := path + ".nodes"
	if n.Min < 1 {
		d.problemAt(np+".min", fmt.Sprintf("profile %s: nodes.min is %d; a cluster has at least 1 node", pr.Name, n.Min), "write min: 1 or more")
	}
	if n.Max > 0 && n.Min > n.Max {
		d.problemAt(np+".min", fmt.Sprintf("profile %s: nodes.min %d is more than nodes.max %d", pr.Name, n.Min, n.Max), "swap them, or raise max")
	}
	switch {
	case n.Default < 1:
		d.problemAt(np+".default", fmt.Sprintf("profile %s: nodes.default must be at least 1", pr.Name), "write default: 1")
	case n.Max > 0 && n.Min > n.Max:
		// reported above; any default is outside an empty range
	case n.Default < n.Min || (n.Max > 0 && n.Default > n.Max):
		d.problemAt(np+".default", fmt.Sprintf("profile %s: nodes.default %d is outside [%d, %s]", pr.Name, n.Default, n.Min, maxText(n.Max)), "pick a default between min and max")
	}
	m := pr.MemoryPerNode
	mp := path + ".memory_per_node"
	if m.Default <= 0 {
		d.problemAt(mp+".default", fmt.Sprintf("profile %s: memory_per_node.default must be more than 0", pr.Name), "write e.g. default: 1Gi")
	} else if m.Max > 0 && m.Default > m.Max {
		d.problemAt(mp+".default", fmt.Sprintf("profile %s: memory_per_node.default %s is more than its max %s", pr.Name, FormatBytes(m.Default), FormatBytes(m.Max)), "lower the default or raise max")
	}
	v := pr.VCoresPerNode
	vp := path + ".vcores_per_node"
	if v.Default < 1 {
		d.problemAt(vp+".default", fmt.Sprintf("profile %s: vcores_per_node.default must be at least 1", pr.Name), "write default: 1")
	} else if v.Max > 0 && v.Default > v.Max {
		d.problemAt(vp+".default", fmt.Sprintf("profile %s: vcores_per_node.default %d is more than its max %d", pr.Name, v.Default, v.Max), "lower the default or raise max")
	}
	if pr.MaxIdle > 0 && pr.MaxUptime > 0 && pr.MaxIdle > pr.MaxUptime {
		d.problemAt(path+".max_idle", fmt.Sprintf("profile %s: max_idle %s is longer than max_uptime %s, so it never applies", pr.Name, FormatDuration(pr.MaxIdle), FormatDuration(pr.MaxUptime)),
			"shorten max_idle, or lengthen max_uptime")
	}
}

func engineName(s string) bool {
	for _, r := range s {
		if !(r == '.' || r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

func maxText(m int) string {
	if m == 0 {
		return "no limit"
	}
	return strconv.Itoa(m)
}

func profileName(s string) bool {
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !profileName(string(c)) {
			b[i] = '-'
		}
	}
	return string(b)
}
