package profile

// Defaults for values a profile leaves out: today's `mlctl cluster launch`
// flags (1 node, 1g per node, 1 vcore).
const (
	DefaultNodes        = 1
	DefaultMemory int64 = 1 << 30
	DefaultVCores       = 1
)

// applyDefaults fills what the file left out, so the effective policy
// (policy show) says every value in force.
func (p *Policy) applyDefaults(set *explicit) {
	if set == nil {
		set = &explicit{}
	}
	if !set.localEnabled {
		// Without a word on it, local runs are allowed only where there is
		// no YARN to send them to.
		p.Backends.Local.Enabled = !p.Backends.Yarn.Enabled
	}
	if len(p.Backends.Kerberos.AuthToLocal) == 0 {
		p.Backends.Kerberos.AuthToLocal = []string{"DEFAULT"}
	}
	if p.Naming.AppPrefix == "" {
		p.Naming.AppPrefix = DefaultAppPrefix
	}
	if p.Naming.AuditLog == "" {
		p.Naming.AuditLog = DefaultAuditLog
	}
	for i := range p.Profiles {
		pr := &p.Profiles[i]
		if !set.nodesMin[i] {
			pr.Nodes.Min = 1
		}
		if !set.nodesDefault[i] {
			pr.Nodes.Default = max(pr.Nodes.Min, DefaultNodes)
			if pr.Nodes.Max > 0 {
				pr.Nodes.Default = min(pr.Nodes.Default, pr.Nodes.Max)
			}
		}
		if !set.memDefault[i] {
			pr.MemoryPerNode.Default = DefaultMemory
			if pr.MemoryPerNode.Max > 0 {
				pr.MemoryPerNode.Default = min(pr.MemoryPerNode.Default, pr.MemoryPerNode.Max)
			}
		}
		if !set.vcoresDefault[i] {
			pr.VCoresPerNode.Default = DefaultVCores
			if pr.VCoresPerNode.Max > 0 {
				pr.VCoresPerNode.Default = min(pr.VCoresPerNode.Default, pr.VCoresPerNode.Max)
			}
		}
		if !set.queueDefault[i] && len(pr.Queues) > 0 {
			pr.DefaultQueue = pr.Queues[0]
		}
	}
}
