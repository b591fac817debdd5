package profile

import "testing"

func TestEmbeddedParses(t *testing.T) {
	p := Embedded()
	r := p.Resolve(Identity{User: "alice"})
	if r.Role != RoleStandard || r.Profile == nil || r.Profile.Name != "default" {
		t.Fatalf("resolve: %+v", r)
	}
	d := r.Check(Request{Backend: BackendLocal})
	if !d.Allowed || d.Request.Nodes != 1 || d.Request.MemoryBytes != 1<<30 || d.Request.VCores != 1 {
		t.Fatalf("check: %+v", d)
	}
}
