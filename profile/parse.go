package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Parse reads a policy from data; name is the file name used in problems.
// It returns the policy with defaults filled in, or Problems listing every
// problem found (syntax, schema and meaning) with its line and column.
func Parse(name string, data []byte) (*Policy, error) {
	d := &decoder{file: name, pos: positions{}}
	p, set := d.decodeDocument(data)
	if p != nil {
		p.Source = name
		p.pos = d.pos
		p.applyDefaults(set)
		d.validate(p)
	}
	if len(d.ps) > 0 {
		return nil, clamp(d.ps, data).sorted()
	}
	return p, nil
}

// clamp keeps every position inside data: the YAML parser places some
// problems (an empty document after ---) just past the end.
func clamp(ps Problems, data []byte) Problems {
	lines := bytes.Split(data, []byte("\n"))
	for i := range ps {
		p := &ps[i]
		if p.Line < 1 {
			p.Line, p.Col = 1, 1
		}
		if p.Line > len(lines) {
			p.Line, p.Col = len(lines), len([]rune(string(lines[len(lines)-1])))+1
		}
		if n := len([]rune(string(lines[p.Line-1]))) + 1; p.Col > n {
			p.Col = n
		}
		if p.Col < 1 {
			p.Col = 1
		}
	}
	return ps
}

// explicit records which optional values the file gave, where a zero value
// and "not written" mean different things.
type explicit struct {
	yarn, localEnabled                    bool
	nodesMin, nodesDefault, memDefault    map[int]bool
	vcoresDefault, queueDefault, priority map[int]bool
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func (d *decoder) decodeDocument(data []byte) (*Policy, *explicit) {
	if len(bytes.TrimSpace(data)) == 0 {
		d.problem(nil, "the policy file is empty", "start it with: apiVersion: "+APIVersion+" and kind: "+Kind)
		return nil, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.problem(nil, "the policy file holds only comments", "start it with: apiVersion: "+APIVersion+" and kind: "+Kind)
		} else {
			d.syntax(err, data)
		}
		return nil, nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.problem(&extra, "the file holds more than one YAML document", "a policy is one document: remove the second --- and what follows")
		return nil, nil
	} else if !errors.Is(err, io.EOF) {
		d.syntax(err, data)
		return nil, nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		d.problem(&doc, "the policy file holds no YAML mapping", "start it with: apiVersion: "+APIVersion)
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		d.problem(root, "the policy must be a mapping of keys (apiVersion, kind, roles, profiles, ...), got "+kindName(root),
			"start it with: apiVersion: "+APIVersion)
		return nil, nil
	}
	p := &Policy{}
	set := &explicit{
		nodesMin: map[int]bool{}, nodesDefault: map[int]bool{}, memDefault: map[int]bool{},
		vcoresDefault: map[int]bool{}, queueDefault: map[int]bool{}, priority: map[int]bool{},
	}
	d.mapping(root, "", []field{
		{"apiVersion", d.str(&p.APIVersion)},
		{"kind", d.str(&p.Kind)},
		{"contact", d.str(&p.Contact)},
		{"backends", func(n *yaml.Node, path string) { d.backends(n, path, &p.Backends, set) }},
		{"engines", func(n *yaml.Node, path string) { d.engines(n, path, &p.Engines) }},
		{"roles", func(n *yaml.Node, path string) { d.roles(n, path, &p.Roles) }},
		{"group_mapping", d.listMap(&p.GroupMapping)},
		{"profiles", func(n *yaml.Node, path string) { d.profiles(n, path, &p.Profiles, set) }},
		{"naming", func(n *yaml.Node, path string) {
			d.mapping(n, path, []field{
				{"app_prefix", d.str(&p.Naming.AppPrefix)},
				{"audit_log", d.str(&p.Naming.AuditLog)},
			})
		}},
	})
	switch {
	case p.APIVersion == "" && d.pos["apiVersion"] == (position{}):
		d.problem(root, "missing apiVersion", "add apiVersion: "+APIVersion+" as the first line")
	case p.APIVersion != APIVersion && p.APIVersion != "":
		d.problemAt("apiVersion", fmt.Sprintf("apiVersion %q is not known to this mlctl", p.APIVersion), "write apiVersion: "+APIVersion)
	}
	switch {
	case p.Kind == "" && d.pos["kind"] == (position{}):
		d.problem(root, "missing kind", "add kind: "+Kind)
	case p.Kind != Kind && p.Kind != "":
		d.problemAt("kind", fmt.Sprintf("kind %q is not a policy", p.Kind), "write kind: "+Kind)
	}
	return p, set
}

// syntax turns a YAML syntax error into a Problem at the line it names
// (clamped into the file).
func (d *decoder) syntax(err error, data []byte) {
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil && n > 0 {
			line = n
		}
	}
	if lines := bytes.Count(data, []byte("\n")) + 1; line > lines {
		line = lines
	}
	d.ps = append(d.ps, Problem{File: d.file, Line: line, Col: 1, Msg: "YAML syntax: " + msg,
		Hint: "check the indentation (spaces, not tabs) and quoting on this line and the one before"})
}

func (d *decoder) backends(n *yaml.Node, path string, b *Backends, set *explicit) {
	d.mapping(n, path, []field{
		{"yarn", func(n *yaml.Node, path string) {
			set.yarn = true
			b.Yarn.Enabled = true
			d.mapping(n, path, []field{
				{"enabled", d.boolean(&b.Yarn.Enabled)},
				{"rm_addresses", d.list(&b.Yarn.RMAddresses)},
				{"hadoop_conf_dir", d.str(&b.Yarn.HadoopConfDir)},
			})
		}},
		{"hdfs", func(n *yaml.Node, path string) {
			d.mapping(n, path, []field{{"nameservice", d.str(&b.HDFS.Nameservice)}})
		}},
		{"kerberos", func(n *yaml.Node, path string) {
			d.mapping(n, path, []field{
				{"realm", d.str(&b.Kerberos.Realm)},
				{"krb5_conf", d.str(&b.Kerberos.Krb5Conf)},
				{"auth_to_local", d.list(&b.Kerberos.AuthToLocal)},
			})
		}},
		{"local", func(n *yaml.Node, path string) {
			d.mapping(n, path, []field{{"enabled", func(v *yaml.Node, path string) {
				set.localEnabled = true
				d.boolean(&b.Local.Enabled)(v, path)
			}}})
		}},
	})
}

func (d *decoder) engines(n *yaml.Node, path string, e *Engines) {
	d.mapping(n, path, []field{
		{"default", d.str(&e.Default)},
		{"versions", func(n *yaml.Node, path string) {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return
			}
			if n.Kind != yaml.SequenceNode {
				d.problem(n, fmt.Sprintf("%s: want a list of engines (- name: ...), got %s", path, kindName(n)), "")
				return
			}
			for i, v := range n.Content {
				ip := fmt.Sprintf("%s[%d]", path, i)
				d.mark(v, ip)
				var en Engine
				if d.usable(v, ip) {
					d.mapping(v, ip, []field{
						{"name", d.str(&en.Name)},
						{"path", d.str(&en.Path)},
						{"sha256", d.str(&en.SHA256)},
					})
				}
				e.Versions = append(e.Versions, en)
			}
		}},
	})
}

func (d *decoder) subjects(n *yaml.Node, path string, s *Subjects) {
	d.mapping(n, path, []field{
		{"groups", d.list(&s.Groups)},
		{"users", d.list(&s.Users)},
	})
}

func (d *decoder) roles(n *yaml.Node, path string, r *Roles) {
	d.mapping(n, path, []field{
		{"admin", func(n *yaml.Node, path string) { d.subjects(n, path, &r.Admin) }},
		{"standard", func(n *yaml.Node, path string) { d.subjects(n, path, &r.Standard) }},
		{"disabled", d.list(&r.Disabled)},
	})
}

func (d *decoder) profiles(n *yaml.Node, path string, out *[]Profile, set *explicit) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.problem(n, fmt.Sprintf("%s: want a list of profiles (- name: ...), got %s", path, kindName(n)), "")
		return
	}
	for i, v := range n.Content {
		ip := fmt.Sprintf("%s[%d]", path, i)
		d.mark(v, ip)
		var p Profile
		if d.usable(v, ip) {
			d.mapping(v, ip, []field{
				{"name", d.str(&p.Name)},
				{"groups", d.list(&p.Groups)},
				{"users", d.list(&p.Users)},
				{"priority", func(v *yaml.Node, path string) { set.priority[i] = true; d.integer(&p.Priority, false)(v, path) }},
				{"cluster_limit", d.integer(&p.ClusterLimit, true)},
				{"nodes", func(v *yaml.Node, path string) {
					d.mapping(v, path, []field{
						{"min", func(v *yaml.Node, path string) { set.nodesMin[i] = true; d.integer(&p.Nodes.Min, true)(v, path) }},
						{"max", d.integer(&p.Nodes.Max, true)},
						{"default", func(v *yaml.Node, path string) {
							set.nodesDefault[i] = true
							d.integer(&p.Nodes.Default, true)(v, path)
						}},
					})
				}},
				{"memory_per_node", func(v *yaml.Node, path string) {
					d.mapping(v, path, []field{
						{"max", d.bytes(&p.MemoryPerNode.Max)},
						{"default", func(v *yaml.Node, path string) {
							set.memDefault[i] = true
							d.bytes(&p.MemoryPerNode.Default)(v, path)
						}},
					})
				}},
				{"vcores_per_node", func(v *yaml.Node, path string) {
					d.mapping(v, path, []field{
						{"max", d.integer(&p.VCoresPerNode.Max, true)},
						{"default", func(v *yaml.Node, path string) {
							set.vcoresDefault[i] = true
							d.integer(&p.VCoresPerNode.Default, true)(v, path)
						}},
					})
				}},
				{"max_idle", d.duration(&p.MaxIdle)},
				{"max_uptime", d.duration(&p.MaxUptime)},
				{"cluster_save", d.boolean(&p.ClusterSave)},
				{"queues", d.list(&p.Queues)},
				{"default_queue", func(v *yaml.Node, path string) { set.queueDefault[i] = true; d.str(&p.DefaultQueue)(v, path) }},
				{"engines", d.list(&p.Engines)},
				{"env", d.strMap(&p.Env)},
			})
		}
		*out = append(*out, p)
	}
}
