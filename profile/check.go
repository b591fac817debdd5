package profile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Backend names a Request may carry.
const (
	BackendLocal = "local"
	BackendYarn  = "yarn"
)

// Request is a launch (or start) as the user asked for it.
type Request struct {
	Backend     string `json:"backend" yaml:"backend"`
	Nodes       int    `json:"nodes" yaml:"nodes"`
	MemoryBytes int64  `json:"memory_bytes" yaml:"memory_bytes"` // per node
	VCores      int    `json:"vcores" yaml:"vcores"`             // per node
	Queue       string `json:"queue,omitempty" yaml:"queue,omitempty"`
	Engine      string `json:"engine,omitempty" yaml:"engine,omitempty"`
	// Live is the number of the user's clusters already live on the backend
	// (not counting this one).
	Live int `json:"live" yaml:"live"`
}

// Denial is one rule a request breaks.
type Denial struct {
	Rule  string `json:"rule" yaml:"rule"`   // profiles.intern.nodes.max
	Limit string `json:"limit" yaml:"limit"` // "2"
	Asked string `json:"asked" yaml:"asked"` // "8"
	Msg   string `json:"msg" yaml:"msg"`     // a sentence for the user
}

// Decision is the answer to a Request.
type Decision struct {
	Allowed bool     `json:"allowed" yaml:"allowed"`
	Request Request  `json:"request" yaml:"request"` // after Fill
	Denials []Denial `json:"denials,omitempty" yaml:"denials,omitempty"`
	Contact string   `json:"contact" yaml:"contact"` // who administers the policy
}

// Fill returns req with its zero fields set to the profile's defaults
// (nodes, memory and vcores per node, queue, engine: the policy's default,
// or the profile's first allowed version when the default is not allowed). Without a profile it
// returns req with the engine default only.
func (r *Resolution) Fill(req Request) Request {
	pr := r.Profile
	if req.Engine == "" && r.policy != nil {
		req.Engine = r.policy.Engines.Default
		// A profile that pins its users to some versions starts them on
		// the first of those when the policy's default is not among them.
		if pr != nil && len(pr.Engines) > 0 && !slices.Contains(pr.Engines, req.Engine) {
			req.Engine = pr.Engines[0]
		}
	}
	if pr == nil {
		return req
	}
	if req.Nodes == 0 {
		req.Nodes = pr.Nodes.Default
	}
	if req.MemoryBytes == 0 {
		req.MemoryBytes = pr.MemoryPerNode.Default
	}
	if req.VCores == 0 {
		req.VCores = pr.VCoresPerNode.Default
	}
	if req.Queue == "" {
		req.Queue = pr.DefaultQueue
	}
	return req
}

// Check fills req with the defaults and checks it against the role, the
// profile and the policy's backends and engines. Every broken rule is a
// Denial; Allowed is true only when there are none.
func (r *Resolution) Check(req Request) Decision {
	req = r.Fill(req)
	d := Decision{Request: req, Contact: r.Contact}
	deny := func(rule, limit, asked, msg string) {
		d.Denials = append(d.Denials, Denial{Rule: rule, Limit: limit, Asked: asked, Msg: msg})
	}
	user := r.Identity.User
	switch {
	case r.Disabled:
		deny("roles.disabled", "disabled", user, fmt.Sprintf("user %s is disabled by the policy", user))
	case r.Role == RoleNone:
		deny("roles", "admin or standard", "no role", fmt.Sprintf("user %s has no role: %s", user, r.RoleRule))
	}
	if p := r.policy; p != nil {
		switch req.Backend {
		case BackendLocal:
			if !p.Backends.Local.Enabled {
				deny("backends.local.enabled", "false", BackendLocal, "the local backend is not enabled by the policy")
			}
		case BackendYarn:
			if !p.Backends.Yarn.Enabled {
				deny("backends.yarn", "not configured", BackendYarn, "the policy has no yarn backend")
			}
		case "":
		default:
			deny("backends", "local or yarn", req.Backend, fmt.Sprintf("unknown backend %q", req.Backend))
		}
		if req.Engine != "" {
			if _, err := p.Engine(req.Engine); err != nil {
				deny("engines.versions", strings.Join(p.engineNames(), ", "), req.Engine, err.Error())
			}
		}
	}
	pr := r.Profile
	if pr == nil {
		deny("profiles", "a profile naming the user or a group", user,
			fmt.Sprintf("no profile applies to user %s (groups: %s)", user, strings.Join(r.Identity.Groups, ", ")))
		d.Allowed = false
		return d
	}
	rule := "profiles." + pr.Name + "."
	itoa := strconv.Itoa
	if pr.ClusterLimit > 0 && req.Live+1 > pr.ClusterLimit {
		deny(rule+"cluster_limit", itoa(pr.ClusterLimit), itoa(req.Live+1),
			fmt.Sprintf("user %s already has %d live cluster(s); profile %s allows %d at once", user, req.Live, pr.Name, pr.ClusterLimit))
	}
	if req.Nodes < pr.Nodes.Min {
		deny(rule+"nodes.min", itoa(pr.Nodes.Min), itoa(req.Nodes),
			fmt.Sprintf("%d nodes asked; profile %s needs at least %d", req.Nodes, pr.Name, pr.Nodes.Min))
	}
	if pr.Nodes.Max > 0 && req.Nodes > pr.Nodes.Max {
		deny(rule+"nodes.max", itoa(pr.Nodes.Max), itoa(req.Nodes),
			fmt.Sprintf("%d nodes asked; profile %s allows at most %d", req.Nodes, pr.Name, pr.Nodes.Max))
	}
	if pr.MemoryPerNode.Max > 0 && req.MemoryBytes > pr.MemoryPerNode.Max {
		deny(rule+"memory_per_node.max", FormatBytes(pr.MemoryPerNode.Max), FormatBytes(req.MemoryBytes),
			fmt.Sprintf("%s per node asked; profile %s allows at most %s", FormatBytes(req.MemoryBytes), pr.Name, FormatBytes(pr.MemoryPerNode.Max)))
	}
	if pr.VCoresPerNode.Max > 0 && req.VCores > pr.VCoresPerNode.Max {
		deny(rule+"vcores_per_node.max", itoa(pr.VCoresPerNode.Max), itoa(req.VCores),
			fmt.Sprintf("%d vcores per node asked; profile %s allows at most %d", req.VCores, pr.Name, pr.VCoresPerNode.Max))
	}
	if len(pr.Queues) > 0 && req.Backend != BackendLocal && !slices.Contains(pr.Queues, req.Queue) {
		asked := req.Queue
		if asked == "" {
			asked = "(none)"
		}
		deny(rule+"queues", strings.Join(pr.Queues, ", "), asked,
			fmt.Sprintf("queue %s is not allowed by profile %s (allowed: %s)", asked, pr.Name, strings.Join(pr.Queues, ", ")))
	}
	if len(pr.Engines) > 0 && req.Engine != "" && !slices.Contains(pr.Engines, req.Engine) {
		deny(rule+"engines", strings.Join(pr.Engines, ", "), req.Engine,
			fmt.Sprintf("engine %s is not allowed by profile %s (allowed: %s)", req.Engine, pr.Name, strings.Join(pr.Engines, ", ")))
	}
	d.Allowed = len(d.Denials) == 0
	return d
}
