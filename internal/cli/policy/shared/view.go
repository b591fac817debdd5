package shared

import (
	"github.com/mlctl/mlctl/profile"
)

// View is a policy as printed: the keys of the policy file, sizes and
// durations in its units.
type View struct {
	APIVersion   string              `json:"apiVersion"`
	Kind         string              `json:"kind"`
	Contact      string              `json:"contact,omitempty"`
	Backends     profile.Backends    `json:"backends"`
	Engines      profile.Engines     `json:"engines"`
	Roles        profile.Roles       `json:"roles"`
	GroupMapping map[string][]string `json:"group_mapping,omitempty"`
	Profiles     []Limits            `json:"profiles"`
	Naming       profile.Naming      `json:"naming"`
}

// Limits is one profile as printed.
type Limits struct {
	Name          string            `json:"name,omitempty"`
	Groups        []string          `json:"groups,omitempty"`
	Users         []string          `json:"users,omitempty"`
	Priority      int               `json:"priority"`
	ClusterLimit  int               `json:"cluster_limit"`
	Nodes         profile.IntRange  `json:"nodes"`
	MemoryPerNode Bytes             `json:"memory_per_node"`
	VCoresPerNode profile.IntMax    `json:"vcores_per_node"`
	MaxIdle       string            `json:"max_idle"`
	MaxUptime     string            `json:"max_uptime"`
	ClusterSave   bool              `json:"cluster_save"`
	Queues        []string          `json:"queues,omitempty"`
	DefaultQueue  string            `json:"default_queue,omitempty"`
	Engines       []string          `json:"engines,omitempty"`
	Env           map[string]string `json:"env,omitempty"`
}

// Bytes is a memory range in the file's units ("1Gi").
type Bytes struct {
	Max     string `json:"max"`
	Default string `json:"default"`
}

// NewView is p as printed.
func NewView(p *profile.Policy) View {
	v := View{APIVersion: p.APIVersion, Kind: p.Kind, Contact: p.Contact, Backends: p.Backends, Engines: p.Engines,
		Roles: p.Roles, GroupMapping: p.GroupMapping, Naming: p.Naming, Profiles: []Limits{}}
	for i := range p.Profiles {
		v.Profiles = append(v.Profiles, NewLimits(&p.Profiles[i]))
	}
	return v
}

// NewLimits is one profile as printed.
func NewLimits(pr *profile.Profile) Limits {
	return Limits{Name: pr.Name, Groups: pr.Groups, Users: pr.Users, Priority: pr.Priority, ClusterLimit: pr.ClusterLimit,
		Nodes: pr.Nodes, MemoryPerNode: Bytes{Max: size(pr.MemoryPerNode.Max), Default: size(pr.MemoryPerNode.Default)},
		VCoresPerNode: pr.VCoresPerNode, MaxIdle: profile.FormatDuration(pr.MaxIdle), MaxUptime: profile.FormatDuration(pr.MaxUptime),
		ClusterSave: pr.ClusterSave, Queues: pr.Queues, DefaultQueue: pr.DefaultQueue, Engines: pr.Engines, Env: pr.Env}
}

func size(b int64) string {
	if b == 0 {
		return "0"
	}
	return profile.FormatBytes(b)
}
