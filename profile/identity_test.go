package profile

import (
	"os/user"
	"slices"
	"strings"
	"testing"
)

func TestShortName(t *testing.T) {
	p := &Policy{Backends: Backends{Kerberos: Kerberos{Realm: "EXAMPLE.COM", AuthToLocal: []string{
		`RULE:[2:$1@$0](airflow@EXAMPLE\.COM)s/.*/svc-ml/`,
		`RULE:[1:$1@$0](.*@PARTNER\.EXAMPLE\.COM)s/@.*///L`,
		`RULE:[2:$1%$2](.*%admin)s/%admin$//`,
		`RULE:[1:$1](x.*)s/x/y/g`,
		`RULE:[2:$2:$1](([^:]*):(.*))s/(.*):(.*)/$2-$1/`,
		`DEFAULT`,
	}}}}
	for in, want := range map[string]string{
		"alice@EXAMPLE.COM":                "alice",
		"nn/host1.example.com@EXAMPLE.COM": "nn-host1.example.com",
		"airflow/sched1@EXAMPLE.COM":       "svc-ml",
		"Bob.Smith@PARTNER.EXAMPLE.COM":    "bob.smith",
		"carol/admin@EXAMPLE.COM":          "carol",
		"xaxbx@OTHER.ORG":                  "yayby",
		"alice":                            "alice",
	} {
		got, err := p.ShortName(in)
		if err != nil || got != want {
			t.Errorf("ShortName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"dave@OTHER.ORG", "@EXAMPLE.COM", "a//b@EXAMPLE.COM", ""} {
		if got, err := p.ShortName(in); err == nil {
			t.Errorf("ShortName(%q) = %q, want an error", in, got)
		}
	}
	// A rule that leaves the realm in is an error, as in Hadoop.
	q := &Policy{Backends: Backends{Kerberos: Kerberos{AuthToLocal: []string{`RULE:[1:$1@$0](.*)`}}}}
	if got, err := q.ShortName("a@R"); err == nil || !strings.Contains(err.Error(), "not a simple user name") {
		t.Errorf("non-simple result: %q %v", got, err)
	}
	// DEFAULT keeps the first component of a principal of the realm.
	d := &Policy{Backends: Backends{Kerberos: Kerberos{Realm: "EXAMPLE.COM", AuthToLocal: []string{"DEFAULT"}}}}
	if got, err := d.ShortName("nn/host1@EXAMPLE.COM"); err != nil || got != "nn" {
		t.Errorf("DEFAULT, two components: %q %v", got, err)
	}
	if _, err := d.ShortName("nn/host1@OTHER.COM"); err == nil || !strings.Contains(err.Error(), "no auth_to_local rule applies") {
		t.Errorf("DEFAULT, other realm: %v", err)
	}
	// No realm configured: DEFAULT takes any realm.
	if got, err := (&Policy{}).ShortName("u/h@ANY.REALM"); err != nil || got != "u" {
		t.Errorf("DEFAULT without realm: %q %v", got, err)
	}
}

func TestJavaReplacement(t *testing.T) {
	for in, want := range map[string]string{"$1": "${1}", "a$2b": "a${2}b", `\$x`: "$$x", "plain": "plain"} {
		if got := javaReplacement(in); got != want {
			t.Errorf("javaReplacement(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGroups(t *testing.T) {
	p := &Policy{GroupMapping: map[string][]string{"alice": {"interns", "staff"}}}
	if g, err := p.Groups("alice"); err != nil || !slices.Equal(g, []string{"interns", "staff"}) {
		t.Errorf("mapped: %v %v", g, err)
	}
	if g, err := p.Groups("nobody-here"); err != nil || len(g) != 0 {
		t.Errorf("unmapped user: %v %v", g, err)
	}
	// Without a mapping: the operating system's groups, primary first.
	me, err := user.Current()
	if err != nil {
		t.Skip(err)
	}
	g, err := (&Policy{}).Groups(me.Username)
	if err != nil {
		t.Fatal(err)
	}
	prim, err := user.LookupGroupId(me.Gid)
	if err == nil && (len(g) == 0 || g[0] != prim.Name) {
		t.Errorf("groups of %s: %v, want primary %s first", me.Username, g, prim.Name)
	}
	id, err := (&Policy{}).Identify(me.Username + "@EXAMPLE.COM")
	if err != nil || id.User != me.Username || !slices.Equal(id.Groups, g) || id.Principal != me.Username+"@EXAMPLE.COM" {
		t.Errorf("Identify: %+v %v", id, err)
	}
	if _, err := (&Policy{}).Groups("no-such-user-h1-xyz"); err == nil {
		t.Error("groups of a missing user: want an error")
	}
}

// FuzzShortName: rules and principals from outside never panic, and a name
// that comes out is simple.
func FuzzShortName(f *testing.F) {
	f.Add(`RULE:[2:$1@$0](airflow@EXAMPLE\.COM)s/.*/svc-ml/`, "airflow/h@EXAMPLE.COM")
	f.Add(`RULE:[1:$1@$0](.*@P\.COM)s/@.*///L`, "Bob@P.COM")
	f.Add(`RULE:[2:$2:$1](([^:]*):(.*))s/(.*):(.*)/$2-$1/g`, "a/b@R")
	f.Add("DEFAULT", "x@R")
	f.Fuzz(func(t *testing.T, rule, principal string) {
		p := &Policy{Backends: Backends{Kerberos: Kerberos{AuthToLocal: []string{rule, "DEFAULT"}}}}
		name, err := p.ShortName(principal)
		if err == nil && (name == "" || strings.ContainsAny(name, "@/")) {
			t.Fatalf("ShortName(%q) with %q = %q", principal, rule, name)
		}
	})
}
