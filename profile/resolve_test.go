package profile

import (
	"os"
	"strings"
	"testing"
)

func mustParseFile(t *testing.T, path string) *Policy {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResolveClassic(t *testing.T) {
	p := mustParseFile(t, "../examples/policies/classic.yaml")
	for _, tc := range []struct {
		user     string
		groups   []string
		role     string
		profile  string
		matched  string
		shadowed []string
	}{
		{"ivy", []string{"interns"}, RoleStandard, "intern", `group "interns" of profile intern`, nil},
		{"sam", []string{"staff", "seniors"}, RoleStandard, "senior", `group "seniors" of profile senior`, nil},
		{"both", []string{"interns", "seniors"}, RoleStandard, "senior", `group "seniors" of profile senior`, []string{"intern"}},
		{"ada", []string{"ml-admins"}, RoleAdmin, "", "", nil},
		{"eve", []string{"guests"}, RoleNone, "", "", nil},
	} {
		t.Run(tc.user, func(t *testing.T) {
			r := p.Resolve(Identity{User: tc.user, Groups: tc.groups})
			if r.Role != tc.role {
				t.Errorf("role %q, want %q (%s)", r.Role, tc.role, r.RoleRule)
			}
			got := ""
			if r.Profile != nil {
				got = r.Profile.Name
			}
			if got != tc.profile || r.Matched != tc.matched {
				t.Errorf("profile %q matched %q, want %q %q", got, r.Matched, tc.profile, tc.matched)
			}
			var sh []string
			for _, s := range r.Shadowed {
				sh = append(sh, s.Profile)
				if !strings.Contains(s.Why, "priority 10 is lower than profile senior's 20") {
					t.Errorf("why: %q", s.Why)
				}
			}
			if strings.Join(sh, ",") != strings.Join(tc.shadowed, ",") {
				t.Errorf("shadowed %v, want %v", sh, tc.shadowed)
			}
		})
	}
}

func TestCheckClassic(t *testing.T) {
	p := mustParseFile(t, "../examples/policies/classic.yaml")
	intern := p.Resolve(Identity{User: "ivy", Groups: []string{"interns"}})

	d := intern.Check(Request{Backend: BackendYarn})
	if !d.Allowed || d.Request.Nodes != 1 || d.Request.MemoryBytes != 1<<30 || d.Request.VCores != 1 {
		t.Errorf("defaults: %+v", d)
	}
	d = intern.Check(Request{Backend: BackendYarn, Nodes: 8, MemoryBytes: 16 << 30, VCores: 1, Live: 1})
	if d.Allowed {
		t.Fatal("8 nodes of 16Gi for an intern with a live cluster allowed")
	}
	want := map[string]Denial{
		"profiles.intern.nodes.max":           {Limit: "2", Asked: "8"},
		"profiles.intern.memory_per_node.max": {Limit: "1Gi", Asked: "16Gi"},
		"profiles.intern.cluster_limit":       {Limit: "1", Asked: "2"},
	}
	if len(d.Denials) != len(want) {
		t.Errorf("denials %+v", d.Denials)
	}
	for _, den := range d.Denials {
		w, ok := want[den.Rule]
		if !ok || w.Limit != den.Limit || w.Asked != den.Asked || den.Msg == "" {
			t.Errorf("denial %+v, want %+v", den, w)
		}
	}
	if d.Contact != "ml-platform@example.com (#ml-platform)" {
		t.Errorf("contact %q", d.Contact)
	}
	// The local backend is off in a yarn policy that does not enable it.
	d = intern.Check(Request{Backend: BackendLocal})
	if d.Allowed || d.Denials[0].Rule != "backends.local.enabled" {
		t.Errorf("local in a yarn policy: %+v", d)
	}
	// No role: denied whatever the request.
	d = p.Resolve(Identity{User: "eve", Groups: []string{"guests"}}).Check(Request{Backend: BackendYarn})
	if d.Allowed || d.Denials[0].Rule != "roles" {
		t.Errorf("no role: %+v", d)
	}
}

func TestCheckYarnHA(t *testing.T) {
	p := mustParseFile(t, "../examples/policies/yarn-ha.yaml")
	fc := p.Resolve(Identity{User: "fay", Groups: []string{"forecasting", "analysts"}})
	if fc.Profile.Name != "forecasting" || len(fc.Shadowed) != 2 {
		t.Fatalf("forecasting: %+v", fc)
	}
	d := fc.Check(Request{Backend: BackendYarn})
	if !d.Allowed || d.Request.Engine != "3.46" || d.Request.Queue != "forecasting" || d.Request.Nodes != 4 {
		t.Errorf("a pinned profile starts on its own engine and queue: %+v", d)
	}
	d = fc.Check(Request{Backend: BackendYarn, Engine: "3.48"})
	if d.Allowed || d.Denials[0].Rule != "profiles.forecasting.engines" {
		t.Errorf("3.48 for forecasting: %+v", d)
	}
	an := p.Resolve(Identity{User: "al", Groups: []string{"analysts"}})
	d = an.Check(Request{Backend: BackendYarn, Queue: "batch", Engine: "9.9"})
	rules := map[string]bool{}
	for _, den := range d.Denials {
		rules[den.Rule] = true
	}
	if !rules["profiles.analysts.queues"] || !rules["engines.versions"] || d.Allowed {
		t.Errorf("queue batch and engine 9.9 for analysts: %+v", d)
	}
	if !strings.Contains(d.Contact, "user carol") || !strings.Contains(d.Contact, "group hadoop-admins") {
		t.Errorf("contact from the admin role: %q", d.Contact)
	}
	m := p.Resolve(Identity{User: "mallory", Groups: []string{"analysts"}})
	if !m.Disabled || m.Role != RoleNone {
		t.Errorf("mallory: %+v", m)
	}
	if d := m.Check(Request{Backend: BackendYarn}); d.Allowed || d.Denials[0].Rule != "roles.disabled" {
		t.Errorf("disabled user allowed: %+v", d)
	}
	if e, err := p.Engine(""); err != nil || e.Name != "3.48" {
		t.Errorf("default engine %v %v", e, err)
	}
	if _, err := p.Engine("1.0"); err == nil || !strings.Contains(err.Error(), "3.46, 3.48") {
		t.Errorf("unknown engine: %v", err)
	}
}

func TestCheckNoProfile(t *testing.T) {
	p := mustParseFile(t, "../examples/policies/classic.yaml")
	d := p.Resolve(Identity{User: "ada", Groups: []string{"ml-admins"}}).Check(Request{Backend: BackendYarn})
	if d.Allowed || d.Denials[0].Rule != "profiles" {
		t.Errorf("an admin without a profile: %+v", d)
	}
}

// Without a policy file nothing changes for users: any user, any size, on
// either backend, with the launch flags' defaults.
func TestEmbedded(t *testing.T) {
	p := Embedded()
	if p.Source != EmbeddedSource || !p.Backends.Local.Enabled || !p.Backends.Yarn.Enabled {
		t.Fatalf("embedded: %+v", p)
	}
	r := p.Resolve(Identity{User: "anyone", Groups: []string{"whatever"}})
	if r.Role != RoleStandard || r.Profile == nil || r.Profile.Name != "default" {
		t.Fatalf("resolve: %+v", r)
	}
	d := r.Check(Request{Backend: BackendLocal})
	if !d.Allowed || d.Request.Nodes != 1 || d.Request.MemoryBytes != 1<<30 || d.Request.VCores != 1 {
		t.Errorf("defaults: %+v", d)
	}
	d = r.Check(Request{Backend: BackendYarn, Nodes: 40, MemoryBytes: 200 << 30, VCores: 32, Queue: "default", Live: 9})
	if !d.Allowed {
		t.Errorf("a big yarn cluster without a policy: %+v", d)
	}
	Embedded().Profiles[0].Name = "changed"
	if Embedded().Profiles[0].Name != "default" {
		t.Error("Embedded returns a shared value")
	}
}
