package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/config"
	"github.com/mlctl/mlctl/internal/errs"
)

func TestFileProblems(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string // each must appear in the error, positions included
		valid      map[string]string
	}{
		{"unknown key", "cluster: demo\nclustr: x\n",
			[]string{"cfg.yaml:2:1: unknown setting \"clustr\"", `did you mean "cluster"?`}, map[string]string{"cluster": "demo"}},
		{"dash for underscore", "no-color: true\n", []string{"cfg.yaml:1:1:", `did you mean "no_color"?`}, nil},
		{"far from any key", "colour_scheme_thing: 1\n", []string{"cfg.yaml:1:1:", "the settings are backend, cluster"}, nil},
		{"list for a string", "backend: local\noutput:\n  - json\n", []string{"cfg.yaml:3:3: output: must be a string, not a list"}, map[string]string{"backend": "local"}},
		{"mapping for a string", "cluster: {name: demo}\n", []string{"cfg.yaml:1:10: cluster: must be a string, not a mapping"}, nil},
		{"string for a bool", "no_color: maybe\n", []string{"cfg.yaml:1:11: no_color: must be true or false", "write no_color: true"}, nil},
		{"value the flag refuses", "output: xml\n", []string{"cfg.yaml:1:9: output: \"xml\" is not one of table, json, yaml", "write output: table, json or yaml"}, nil},
		{"bad backend", "backend: k8s\n", []string{"cfg.yaml:1:10: backend:", "local or backend: yarn"}, nil},
		{"bad cluster name", "cluster: My Cluster\n", []string{"cfg.yaml:1:10: cluster:", "not a cluster name"}, nil},
		{"relative keytab", "keytab: alice.keytab\n", []string{"cfg.yaml:1:9: keytab:", "relative path"}, nil},
		{"twice", "cluster: a\ncluster: b\n", []string{"cfg.yaml:2:1: cluster is set twice (first on line 1)"}, nil},
		{"not YAML", "cluster: demo\noutput: [json\n", []string{"cfg.yaml:", "not valid YAML"}, nil},
		{"tab indentation", "cluster: demo\n\tbackend: yarn\n", []string{"cfg.yaml:2:1: not valid YAML", "never tabs"}, nil},
		{"not a mapping", "- cluster\n- demo\n", []string{"cfg.yaml:1:1: the file must be a mapping of settings"}, nil},
		{"plain text", "hello world\n", []string{"cfg.yaml:1:1: the file must be a mapping", "cluster: demo"}, nil},
		{"two documents", "cluster: a\n---\ncluster: b\n", []string{"cfg.yaml:2:1: a second YAML document"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := config.Parse("cfg.yaml", []byte(c.text))
			err := f.Problems.Err()
			if errs.Code(err) != errs.Usage {
				t.Fatalf("code %d, err %v", errs.Code(err), err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
			if errs.Hint(err) != config.RepairHint {
				t.Errorf("hint %q", errs.Hint(err))
			}
			for k, v := range c.valid {
				if f.Values[k] != v {
					t.Errorf("valid setting %s = %q, want %q", k, f.Values[k], v)
				}
			}
			if len(f.Values) != len(c.valid) {
				t.Errorf("values %v, want %v", f.Values, c.valid)
			}
		})
	}
}

func TestFileGood(t *testing.T) {
	f := config.Parse("cfg.yaml", []byte(`# my settings
cluster: "007"   # quoted: a name of digits
backend: YARN
queue: 42
no_color: true
keytab: ~/alice.keytab
principal:
`))
	if f.Problems != nil {
		t.Fatal(f.Problems)
	}
	want := map[string]string{"cluster": "007", "backend": "YARN", "queue": "42", "no_color": "true", "keytab": "~/alice.keytab"}
	for k, v := range want {
		if f.Values[k] != v {
			t.Errorf("%s = %q, want %q", k, f.Values[k], v)
		}
	}
	if _, ok := f.Values["principal"]; ok {
		t.Error("an empty value counts as set")
	}
	for _, text := range []string{"", "# only a comment\n", "~\n", "{}\n"} {
		if f := config.Parse("x", []byte(text)); f.Problems != nil || len(f.Values) != 0 {
			t.Errorf("%q: %v %v", text, f.Problems, f.Values)
		}
	}
}

// A broken file still gives its valid settings, and the problems carry the
// file's real path.
func TestLoadBrokenFile(t *testing.T) {
	dir := t.TempDir()
	src := config.Sources{User: filepath.Join(dir, "user.yaml"), System: filepath.Join(dir, "system.yaml")}
	env(t)
	writeFile(t, src.User, "cluster: demo\noutput: xml\n")
	writeFile(t, src.System, "backend: yarn\nbogus: 1\n")
	s, err := config.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	e := s.Err()
	if errs.Code(e) != errs.Usage || !strings.Contains(e.Error(), src.User+":2:9: output") || !strings.Contains(e.Error(), src.System+":2:1: unknown setting \"bogus\"") {
		t.Fatalf("%v", e)
	}
	if s.String("cluster") != "demo" || s.String("backend") != "yarn" || s.Get("output").Origin.Kind != config.FromDefault {
		t.Errorf("valid settings lost: %+v", s.All())
	}
}

func TestUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	// A directory where the file should be: it exists but cannot be read.
	os.Mkdir(filepath.Join(dir, "user.yaml"), 0o700)
	_, err := config.Load(config.Sources{User: filepath.Join(dir, "user.yaml"), System: filepath.Join(dir, "none")})
	if err == nil || !strings.Contains(err.Error(), "cannot read config file") {
		t.Fatalf("err = %v", err)
	}
}

func TestUserPath(t *testing.T) {
	t.Setenv(config.EnvUserFile, "")
	t.Setenv("HOME", "/home/u")
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	if p := config.UserPath(); p != "/xdg/mlctl/config.yaml" {
		t.Errorf("XDG: %s", p)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/dir") // ignored, as the XDG spec says
	if p := config.UserPath(); p != "/home/u/.config/mlctl/config.yaml" {
		t.Errorf("relative XDG: %s", p)
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	if p := config.UserPath(); p != "/home/u/.config/mlctl/config.yaml" {
		t.Errorf("default: %s", p)
	}
	t.Setenv(config.EnvUserFile, "/elsewhere.yaml")
	if p := config.UserPath(); p != "/elsewhere.yaml" {
		t.Errorf("MLCTL_CONFIG: %s", p)
	}
	t.Setenv(config.EnvSystemFile, "")
	if config.SystemPath() != "/etc/mlctl/config.yaml" {
		t.Error(config.SystemPath())
	}
}
