package profile

import (
	"encoding/json"

	"gopkg.in/yaml.v3"
)

// The effective policy (policy show) is written with the same units a
// policy file uses, sizes as "1Gi" and durations as "30m", so the YAML form
// reads back as a policy and the JSON form has stable snake_case names.

// MarshalJSON writes sizes with binary units ("512Mi").
func (b ByteRange) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Max     string `json:"max"`
		Default string `json:"default"`
	}{FormatBytes(b.Max), FormatBytes(b.Default)})
}

// MarshalYAML writes sizes with binary units ("512Mi").
func (b ByteRange) MarshalYAML() (any, error) {
	return map[string]string{"max": FormatBytes(b.Max), "default": FormatBytes(b.Default)}, nil
}

// MarshalJSON writes durations as a policy does ("30m", "2d", "0").
func (p Profile) MarshalJSON() ([]byte, error) {
	type plain Profile
	return json.Marshal(struct {
		plain
		MaxIdle   string `json:"max_idle"`
		MaxUptime string `json:"max_uptime"`
	}{plain(p), FormatDuration(p.MaxIdle), FormatDuration(p.MaxUptime)})
}

// MarshalYAML writes the profile as its JSON form, in block style.
func (p Profile) MarshalYAML() (any, error) {
	return viaJSON(p)
}

// MarshalYAML writes the policy as a policy file (apiVersion, kind first;
// the source as a comment), which Parse reads back to the same policy.
func (p Policy) MarshalYAML() (any, error) {
	n, err := viaJSON(p)
	if err != nil {
		return nil, err
	}
	kept := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch k.Value {
		case "source":
			continue
		case "api_version":
			k.Value = "apiVersion"
		}
		kept = append(kept, k, n.Content[i+1])
	}
	n.Content = kept
	if p.Source != "" && len(n.Content) > 0 {
		n.Content[0].HeadComment = "source: " + p.Source
	}
	return n, nil
}

// viaJSON turns v's JSON form into a YAML node tree in block style, so
// YAML and JSON share one set of names and units.
func viaJSON(v any) (*yaml.Node, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	n := doc.Content[0]
	blockStyle(n)
	return n, nil
}

func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}
