package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/config"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// setup gives a Factory whose settings come from fresh files with this
// content (and no MLCTL_* variables but the ones given).
func setup(t *testing.T, user, system string, env ...string) (*cmdutil.Factory, *iostreams.IOStreams, config.Sources) {
	t.Helper()
	for _, k := range config.Keys() {
		t.Setenv(k.Env(), "")
		os.Unsetenv(k.Env())
	}
	for i := 0; i+1 < len(env); i += 2 {
		t.Setenv(env[i], env[i+1])
	}
	dir := t.TempDir()
	src := config.Sources{User: filepath.Join(dir, "user", "config.yaml"), System: filepath.Join(dir, "etc", "config.yaml")}
	for p, text := range map[string]string{src.User: user, src.System: system} {
		if text != "" {
			os.MkdirAll(filepath.Dir(p), 0o700)
			if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	s, err := config.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	f, ios := clitest.Factory(nil, nil)
	f.Settings = s
	return f, ios, src
}

func TestListShowOrigin(t *testing.T) {
	f, ios, src := setup(t, "cluster: demo\noutput: json\n", "backend: yarn\noutput: yaml\n", "MLCTL_QUEUE", "analytics")
	if err := clitest.Exec(NewCmdConfig(f), "list", "--show-origin"); err != nil {
		t.Fatal(err)
	}
	want := "KEY\tVALUE\tORIGIN\n" +
		"cluster\tdemo\tfile " + src.User + "\n" +
		"backend\tyarn\tfile " + src.System + "\n" +
		"output\tjson\tfile " + src.User + "\n" +
		"queue\tanalytics\tenv MLCTL_QUEUE\n" +
		"no_color\tfalse\tdefault\n" +
		"principal\t\tdefault\n" +
		"keytab\t\tdefault\n"
	if got := clitest.Out(ios); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestListTerminal(t *testing.T) {
	f, ios, _ := setup(t, "cluster: demo\n", "")
	ios.SetStdoutTTY(true)
	if err := clitest.Exec(NewCmdConfig(f), "list"); err != nil {
		t.Fatal(err)
	}
	want := `KEY        VALUE
cluster    demo
backend    local
output     table
queue
no_color   false
principal
keytab
`
	if got := clitest.Out(ios); got != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
}

func TestListJSON(t *testing.T) {
	f, ios, src := setup(t, "cluster: demo\n", "")
	if err := clitest.Exec(NewCmdConfig(f), "list", "--output", "json", "--show-origin"); err != nil {
		t.Fatal(err)
	}
	out := clitest.Out(ios)
	for _, want := range []string{
		`"key": "cluster",` + "\n    " + `"value": "demo",` + "\n    " + `"origin": "file",` + "\n    " + `"source": "` + src.User + `"`,
		`"key": "backend",` + "\n    " + `"value": "local",` + "\n    " + `"origin": "default"` + "\n  }",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("%s\nlacks\n%s", out, want)
		}
	}
	// Without --show-origin, key and value only.
	f, ios, _ = setup(t, "cluster: demo\n", "")
	clitest.Exec(NewCmdConfig(f), "list", "--output", "json")
	if strings.Contains(clitest.Out(ios), "origin") {
		t.Errorf("origin without --show-origin: %s", clitest.Out(ios))
	}
}

// A broken file: the list of what is left, then the problems (exit 2).
func TestListBroken(t *testing.T) {
	f, ios, src := setup(t, "cluster: demo\noutput: xml\n", "")
	err := clitest.Exec(NewCmdConfig(f), "list")
	if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), src.User+":2:9: output:") {
		t.Fatalf("code %d: %v", errs.Code(err), err)
	}
	if out := clitest.Out(ios); !strings.Contains(out, "cluster\tdemo\n") || !strings.Contains(out, "output\ttable\n") {
		t.Errorf("list: %q", out)
	}
}

func TestSetGetUnset(t *testing.T) {
	f, ios, src := setup(t, "", "")
	ios.SetStderrTTY(true)
	if err := clitest.Exec(NewCmdConfig(f), "set", "cluster", "demo"); err != nil {
		t.Fatal(err)
	}
	if got := clitest.ErrOut(ios); got != "set cluster in "+src.User+"\n" {
		t.Errorf("stderr %q", got)
	}
	b, _ := os.ReadFile(src.User)
	if string(b) != "cluster: demo\n" {
		t.Errorf("file %q", b)
	}
	// The next mlctl run loads the files again.
	s, _ := config.Load(src)
	f.Settings = s
	ios2 := f.IOStreams
	if err := clitest.Exec(NewCmdConfig(f), "get", "cluster"); err != nil {
		t.Fatal(err)
	}
	if got := clitest.Out(ios2); got != "demo\n" {
		t.Errorf("get: %q", got)
	}
	if err := clitest.Exec(NewCmdConfig(f), "unset", "cluster"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(src.User); len(b) != 0 {
		t.Errorf("after unset: %q", b)
	}
	// The system file.
	if err := clitest.Exec(NewCmdConfig(f), "set", "--system", "backend", "yarn"); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(src.System); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("system file: %v %v", st, err)
	}
}

func TestSetNotesEnvOverride(t *testing.T) {
	f, ios, _ := setup(t, "", "", "MLCTL_CLUSTER", "other")
	if err := clitest.Exec(NewCmdConfig(f), "set", "cluster", "demo"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(clitest.ErrOut(ios), "note: MLCTL_CLUSTER=other is set and overrides the file") {
		t.Errorf("stderr %q", clitest.ErrOut(ios))
	}
}

func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"get", "clustr"}, `did you mean "cluster"?`},
		{[]string{"set", "outptu", "json"}, `did you mean "output"?`},
		{[]string{"set", "output", "xml"}, "write output: table, json or yaml"},
		{[]string{"unset", "nothing_like_it"}, "the settings are"},
		{[]string{"set", "cluster"}, "see"},
		{[]string{"get"}, ""},
	} {
		f, _, _ := setup(t, "", "")
		err := clitest.Exec(NewCmdConfig(f), c.args...)
		err = cmdutil.WithUsageHint(NewCmdConfig(f), err)
		if errs.Code(err) != errs.Usage || !strings.Contains(errs.Hint(err), c.want) {
			t.Errorf("%v: code %d, %v (hint %q)", c.args, errs.Code(err), err, errs.Hint(err))
		}
	}
}

func TestPath(t *testing.T) {
	f, ios, src := setup(t, "", "")
	clitest.Exec(NewCmdConfig(f), "path")
	clitest.Exec(NewCmdConfig(f), "path", "--system")
	if got := clitest.Out(ios); got != src.User+"\n"+src.System+"\n" {
		t.Errorf("%q", got)
	}
}

func TestSetKeytabWarns(t *testing.T) {
	f, ios, src := setup(t, "", "")
	kt := filepath.Join(t.TempDir(), "alice.keytab")
	os.WriteFile(kt, []byte("x"), 0o644)
	if err := clitest.Exec(NewCmdConfig(f), "set", "keytab", kt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(clitest.ErrOut(ios), "readable by others") || !strings.Contains(clitest.ErrOut(ios), "chmod 600 "+kt) {
		t.Errorf("stderr %q", clitest.ErrOut(ios))
	}
	if b, _ := os.ReadFile(src.User); string(b) != "keytab: "+kt+"\n" {
		t.Errorf("file %q", b)
	}
}

func TestCompletion(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "config", "set", ""}, "cluster\t"},
		{[]string{"__complete", "config", "set", "backend", ""}, "local\nyarn\n:4\n"},
		{[]string{"__complete", "config", "set", "no_color", ""}, "true\nfalse\n:4\n"},
		{[]string{"__complete", "config", "get", ""}, "keytab\t"},
	} {
		f, _, _ := setup(t, "", "")
		root := &cobra.Command{Use: "mlctl"}
		root.AddCommand(NewCmdConfig(f))
		var out strings.Builder
		root.SetOut(&out)
		root.SetArgs(c.args)
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("%v: %q lacks %q", c.args, out.String(), c.want)
		}
	}
}
