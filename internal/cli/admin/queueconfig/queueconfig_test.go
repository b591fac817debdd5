package queueconfig

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/profile"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func load(t *testing.T, name string) *profile.Policy {
	t.Helper()
	path := filepath.Join("..", "..", "..", "..", "examples", "policies", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse("examples/policies/"+name, data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The output for the example policies is pinned by golden files; any change
// must be looked at (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, c := range []struct{ policy, format, golden string }{
		{"yarn-ha.yaml", "xml", "yarn-ha.xml"},
		{"yarn-ha.yaml", "properties", "yarn-ha.properties"},
		{"classic.yaml", "xml", "classic.xml"},
	} {
		ios, _, out, _ := iostreams.Test()
		if err := Write(ios, load(t, c.policy), Format(c.format)); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", c.golden)
		if *update {
			os.MkdirAll("testdata", 0o755)
			os.WriteFile(golden, out.Bytes(), 0o644)
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("%s differs from %s:\n%s", c.policy, golden, out)
		}
	}
}

// The XML is well formed and says what the yarn-ha policy means: the
// analytics queue admits the analysts group only, for at most 12 h, 16 GiB
// and 4 vcores per container; root admits nobody by itself.
func TestXMLMeaning(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := Write(ios, load(t, "yarn-ha.yaml"), "xml"); err != nil {
		t.Fatal(err)
	}
	var conf struct {
		Props []struct {
			Name  string `xml:"name"`
			Value string `xml:"value"`
		} `xml:"property"`
	}
	if err := xml.Unmarshal(out.Bytes(), &conf); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range conf.Props {
		got[p.Name] = p.Value
	}
	for k, v := range map[string]string{
		"yarn.scheduler.capacity.root.acl_submit_applications":                " ",
		"yarn.scheduler.capacity.root.acl_administer_queue":                   "carol hadoop-admins",
		"yarn.scheduler.capacity.root.analytics.acl_submit_applications":      " analysts",
		"yarn.scheduler.capacity.root.analytics.maximum-application-lifetime": "43200",
		"yarn.scheduler.capacity.root.analytics.maximum-allocation-mb":        "16384",
		"yarn.scheduler.capacity.root.analytics.maximum-allocation-vcores":    "4",
		"yarn.scheduler.capacity.root.batch.acl_submit_applications":          "svc-ml ",
		"yarn.scheduler.capacity.root.adhoc.acl_submit_applications":          "*",
		"yarn.scheduler.capacity.root.adhoc.maximum-application-lifetime":     "43200",
	} {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// batch has one user: no user-limit-factor; analytics is a group's.
	if _, ok := got["yarn.scheduler.capacity.root.batch.user-limit-factor"]; ok {
		t.Error("user-limit-factor on a one-user queue")
	}
	if got["yarn.scheduler.capacity.root.analytics.user-limit-factor"] != "1" {
		t.Error("no user-limit-factor on a shared queue")
	}
	// Every property has its explanation just before it.
	if n := strings.Count(out.String(), "<!--"); n != len(conf.Props)+1 {
		t.Errorf("%d comments for %d properties", n, len(conf.Props))
	}
}

// A properties file keeps root's " " (nobody) as an escaped space.
func TestPropertiesValue(t *testing.T) {
	if got := propValue(" "); got != `\ ` {
		t.Error(got)
	}
	if got := propValue(" analysts"); got != `\ analysts` {
		t.Error(got)
	}
}

// When a profile may use any queue, root is not closed: that would lock its
// users out of YARN altogether.
func TestRootStaysOpenForQueuelessProfiles(t *testing.T) {
	props, notes := Generate(load(t, "classic.yaml"))
	for _, p := range props {
		if p.Name == "yarn.scheduler.capacity.root.acl_submit_applications" {
			t.Errorf("root closed (%q) though profiles name no queues", p.Value)
		}
	}
	if !strings.Contains(strings.Join(notes, "\n"), "root's acl_submit_applications is left as it is") {
		t.Errorf("notes %q", notes)
	}
}
