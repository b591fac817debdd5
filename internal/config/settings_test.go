package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/config"
	"github.com/mlctl/mlctl/internal/errs"
)

// env clears every MLCTL_* setting variable, then sets the given ones.
func env(t *testing.T, kv ...string) {
	t.Helper()
	for _, k := range config.Keys() {
		t.Setenv(k.Env(), "")
		os.Unsetenv(k.Env())
	}
	for i := 0; i+1 < len(kv); i += 2 {
		t.Setenv(kv[i], kv[i+1])
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// command is a stand-in verb with the flags real commands have.
func command(run func(cluster, backend string, output cmdutil.OutputFormat)) *cobra.Command {
	var cluster, backend string
	var output cmdutil.OutputFormat
	cmd := &cobra.Command{Use: "verb", RunE: func(*cobra.Command, []string) error {
		run(cluster, backend, output)
		return nil
	}}
	cmdutil.AddClusterFlag(cmd, &cluster)
	shared.AddBackendFlag(cmd, &backend)
	cmdutil.AddOutputFlag(cmd, &output)
	return cmd
}

func TestPrecedence(t *testing.T) {
	type layers struct{ flag, env, user, system string }
	cases := []struct {
		key, flag string
		l         layers
		want      string
		origin    config.OriginKind
	}{
		{"cluster", "--cluster", layers{"f1", "e1", "u1", "s1"}, "f1", config.FromFlag},
		{"cluster", "--cluster", layers{"", "e1", "u1", "s1"}, "e1", config.FromEnv},
		{"cluster", "--cluster", layers{"", "", "u1", "s1"}, "u1", config.FromUser},
		{"cluster", "--cluster", layers{"", "", "", "s1"}, "s1", config.FromSystem},
		{"cluster", "--cluster", layers{"", "", "", ""}, "", config.FromDefault},
		{"backend", "--backend", layers{"local", "yarn", "local", "yarn"}, "local", config.FromFlag},
		{"backend", "--backend", layers{"", "yarn", "local", "local"}, "yarn", config.FromEnv},
		{"backend", "--backend", layers{"", "", "yarn", "local"}, "yarn", config.FromUser},
		{"backend", "--backend", layers{"", "", "", "yarn"}, "yarn", config.FromSystem},
		{"backend", "--backend", layers{"", "", "", ""}, "", config.FromDefault}, // the flag keeps its own default
		{"output", "--output", layers{"yaml", "json", "table", "json"}, "yaml", config.FromFlag},
		{"output", "--output", layers{"", "json", "yaml", "table"}, "json", config.FromEnv},
		{"output", "--output", layers{"", "", "yaml", "json"}, "yaml", config.FromUser},
		{"output", "--output", layers{"", "", "", "json"}, "json", config.FromSystem},
		{"output", "--output", layers{"", "", "", ""}, "table", config.FromDefault},
	}
	for _, c := range cases {
		name := c.key + "/" + string(c.origin)
		t.Run(name, func(t *testing.T) {
			k, _ := config.Lookup(c.key)
			dir := t.TempDir()
			src := config.Sources{User: filepath.Join(dir, "user.yaml"), System: filepath.Join(dir, "system.yaml")}
			env(t)
			if c.l.env != "" {
				t.Setenv(k.Env(), c.l.env)
			}
			if c.l.user != "" {
				writeFile(t, src.User, c.key+": "+c.l.user+"\n")
			}
			if c.l.system != "" {
				writeFile(t, src.System, c.key+": "+c.l.system+"\n")
			}
			s, err := config.Load(src)
			if err != nil || s.Err() != nil {
				t.Fatal(err, s.Err())
			}
			var got string
			cmd := command(func(cluster, backend string, output cmdutil.OutputFormat) {
				got = map[string]string{"cluster": cluster, "backend": backend, "output": string(output)}[c.key]
			})
			cmd.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return s.Apply(cmd) }
			var args []string
			if c.l.flag != "" {
				args = []string{c.flag, c.l.flag}
			}
			cmd.SetArgs(args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("the command saw %s=%q, want %q", c.key, got, c.want)
			}
			v := s.Get(c.key)
			if v.Origin.Kind != c.origin {
				t.Errorf("origin %v, want %s", v.Origin, c.origin)
			}
			if c.origin != config.FromDefault && v.Value != c.want {
				t.Errorf("Get = %q, want %q", v.Value, c.want)
			}
			if cmd.Flags().Lookup(c.key).Changed != (c.l.flag != "") {
				t.Error("a value from config marked the flag as given on the command line")
			}
		})
	}
}

// The settings with validation share their lists with the flags they fill.
func TestValidationMatchesFlags(t *testing.T) {
	if strings.Join(config.Backends, ",") != strings.Join(shared.Backends, ",") {
		t.Errorf("backends %v, cluster/shared has %v", config.Backends, shared.Backends)
	}
	out, _ := config.Lookup("output")
	for _, v := range []string{"table", "json", "yaml", "JSON", "xml", "", "csv"} {
		var o cmdutil.OutputFormat
		flagErr := o.Set(v)
		if (flagErr == nil) != (out.Check(v) == nil) {
			t.Errorf("output %q: flag says %v, config says %v", v, flagErr, out.Check(v))
		}
	}
	cl, _ := config.Lookup("cluster")
	for _, v := range []string{"demo", "a-1", "Demo", "-x", strings.Repeat("a", 64), "a b"} {
		if (shared.ValidateName(v) == nil) != (cl.Check(v) == nil) {
			t.Errorf("cluster %q: flag and config disagree", v)
		}
	}
}

func TestEnvProblem(t *testing.T) {
	dir := t.TempDir()
	env(t, "MLCTL_OUTPUT", "xml", "MLCTL_NO_COLOR", "maybe")
	s, err := config.Load(config.Sources{User: filepath.Join(dir, "u"), System: filepath.Join(dir, "s")})
	if err != nil {
		t.Fatal(err)
	}
	e := s.Err()
	if errs.Code(e) != errs.Usage {
		t.Fatalf("code %d: %v", errs.Code(e), e)
	}
	for _, want := range []string{"MLCTL_OUTPUT", "setting output", `"xml"`, "MLCTL_NO_COLOR", "setting no_color"} {
		if !strings.Contains(e.Error(), want) {
			t.Errorf("%q lacks %q", e, want)
		}
	}
	// A bad variable is never used.
	if v := s.Get("output"); v.Value != "table" || v.Origin.Kind != config.FromDefault {
		t.Errorf("output = %+v", v)
	}
}

func TestQueueOnlyOnYARN(t *testing.T) {
	dir := t.TempDir()
	env(t, "MLCTL_QUEUE", "analytics")
	s, err := config.Load(config.Sources{User: filepath.Join(dir, "u"), System: filepath.Join(dir, "s")})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ backend, want string }{{"local", ""}, {"yarn", "analytics"}} {
		var queue, backend string
		cmd := &cobra.Command{Use: "launch", RunE: func(*cobra.Command, []string) error { return nil }}
		cmd.Flags().StringVar(&queue, "queue", "", "")
		shared.AddBackendFlag(cmd, &backend)
		cmd.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return s.Apply(cmd) }
		cmd.SetArgs([]string{"--backend", c.backend})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if queue != c.want {
			t.Errorf("backend %s: queue %q, want %q", c.backend, queue, c.want)
		}
	}
}

// score's --output is a path, not a format: the output setting leaves it.
func TestOutputOnlyFillsFormatFlags(t *testing.T) {
	dir := t.TempDir()
	env(t, "MLCTL_OUTPUT", "json")
	s, _ := config.Load(config.Sources{User: filepath.Join(dir, "u"), System: filepath.Join(dir, "s")})
	var path string
	cmd := &cobra.Command{Use: "score", RunE: func(*cobra.Command, []string) error { return nil }}
	cmd.Flags().StringVarP(&path, "output", "o", "", "")
	cmd.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return s.Apply(cmd) }
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil || path != "" {
		t.Errorf("score --output = %q (%v)", path, err)
	}
}

// The README's settings table names every setting, its flag and variable.
func TestREADMEListsEverySetting(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range config.Keys() {
		row := "| `" + k.Name + "` | `--" + k.Flag + "` | `" + k.Env() + "` |"
		if !strings.Contains(string(b), row) {
			t.Errorf("README lacks the row %s", row)
		}
	}
}
