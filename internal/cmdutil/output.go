package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

// OutputFormat is the value of --output. It implements pflag.Value, so a bad
// value is rejected while flags are parsed and becomes a usage error (exit 2).
type OutputFormat string

// The accepted --output values.
const (
	OutputTable OutputFormat = "table"
	OutputJSON  OutputFormat = "json"
	OutputYAML  OutputFormat = "yaml"
)

var outputFormats = []OutputFormat{OutputTable, OutputJSON, OutputYAML}

func (o *OutputFormat) String() string {
	if *o == "" {
		return string(OutputTable)
	}
	return string(*o)
}

// Set accepts table, json or yaml (any case).
func (o *OutputFormat) Set(s string) error {
	v := OutputFormat(strings.ToLower(strings.TrimSpace(s)))
	for _, f := range outputFormats {
		if v == f {
			*o = v
			return nil
		}
	}
	return fmt.Errorf("must be one of table, json, yaml")
}

// Type is shown in help ("-o, --output format").
func (o *OutputFormat) Type() string { return "format" }

// IsData reports whether the format is machine-readable (json or yaml).
func (o OutputFormat) IsData() bool { return o == OutputJSON || o == OutputYAML }

// AddOutputFlag registers -o/--output on cmd, defaulting to table.
func AddOutputFlag(cmd *cobra.Command, o *OutputFormat) {
	if *o == "" {
		*o = OutputTable
	}
	cmd.Flags().VarP(o, "output", "o",
		"output format: table (aligned on a terminal, tab-separated when piped), json or yaml")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"table", "json", "yaml"}, cobra.ShellCompDirectiveNoFileComp
	})
}

// WriteData writes v as indented JSON or as YAML. YAML is produced from the
// JSON encoding, so both use the same snake_case field names and order.
func WriteData(w io.Writer, format OutputFormat, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding output: %w", err)
	}
	if format == OutputJSON {
		_, err = w.Write(append(b, '\n'))
		return err
	}
	node, err := jsonToYAML(b)
	if err != nil {
		return fmt.Errorf("encoding output as yaml: %w", err)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(node); err != nil {
		return fmt.Errorf("encoding output as yaml: %w", err)
	}
	return enc.Close()
}

// jsonToYAML walks the JSON token stream and builds a yaml.Node, keeping key
// order (a map would sort keys) and numbers exactly as JSON wrote them (a
// float64 would turn 1073741824 into 1.073741824e+09).
func jsonToYAML(b []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return yamlValue(dec)
}

func yamlValue(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				val, err := yamlValue(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, val)
			}
			_, err := dec.Token() // '}'
			return n, err
		case '[':
			n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for dec.More() {
				val, err := yamlValue(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, val)
			}
			_, err := dec.Token() // ']'
			return n, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t}, nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(t.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: t.String()}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(t)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}
