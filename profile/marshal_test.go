package profile

import (
	"encoding/json"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The effective policy written as YAML parses back to the same policy, and
// its JSON form uses the policy's units.
func TestShowRoundTrip(t *testing.T) {
	p := Embedded()
	out, err := yaml.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", out)
	q, err := Parse("shown.yaml", out)
	if err != nil {
		t.Fatalf("the shown policy does not parse back: %v\n%s", err, out)
	}
	again, _ := yaml.Marshal(q)
	if strings.TrimPrefix(string(again), "# source: shown.yaml\n") != strings.TrimPrefix(string(out), "# source: embedded default\n") {
		t.Errorf("second round differs:\n%s\nvs\n%s", again, out)
	}
	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"api_version":"mlctl/v1"`, `"memory_per_node":{"max":"0","default":"1Gi"}`, `"max_idle":"0"`, `"source":"embedded default"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
}
