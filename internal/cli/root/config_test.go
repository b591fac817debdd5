package root

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/config"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// TestMain keeps every test here off the machine's and the user's config
// files: the root reads them for every command.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "root-test")
	if err != nil {
		panic(err)
	}
	os.Setenv(config.EnvUserFile, filepath.Join(dir, "user.yaml"))
	os.Setenv(config.EnvSystemFile, filepath.Join(dir, "system.yaml"))
	for _, k := range config.Keys() {
		os.Unsetenv(k.Env())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// files points the root at fresh user and system files with this content.
func files(t *testing.T, user, system string) (userPath, systemPath string) {
	t.Helper()
	dir := t.TempDir()
	userPath, systemPath = filepath.Join(dir, "user.yaml"), filepath.Join(dir, "system.yaml")
	t.Setenv(config.EnvUserFile, userPath)
	t.Setenv(config.EnvSystemFile, systemPath)
	for p, text := range map[string]string{userPath: user, systemPath: system} {
		if text != "" {
			if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return
}

// A launch with nothing on the command line takes the backend and queue of
// the system file, the output of the user file, and MLCTL_* over both.
func TestRootAppliesSettings(t *testing.T) {
	files(t, "output: json\n", "backend: yarn\nqueue: analytics\noutput: yaml\n")
	b := clitest.NewBackend("yarn")
	c := &clitest.ClusterAPI{CloudStatus: &api.CloudStatus{Cluster: "demo", Healthy: true, Size: 1}}
	f, ios := clitest.Factory(b, c)
	var asked []string
	backend := f.Backend
	f.Backend = func(name string) (launcher.Backend, error) {
		asked = append(asked, name)
		return backend(name)
	}
	if err := clitest.Exec(NewCmdRoot(f), "cluster", "launch", "demo"); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != "yarn" {
		t.Errorf("backends asked: %v, want [yarn] from the system file", asked)
	}
	if q := b.Clusters["demo"].Queue; q != "analytics" {
		t.Errorf("queue %q, want analytics from the system file", q)
	}
	if out := clitest.Out(ios); !strings.HasPrefix(out, "{") {
		t.Errorf("output not JSON (user file): %q", out)
	}
	if f.Settings == nil || f.Settings.Get("output").Origin.Kind != config.FromUser {
		t.Errorf("Factory.Settings: %+v", f.Settings)
	}

	// The flag beats the environment, which beats the files.
	t.Setenv("MLCTL_OUTPUT", "table")
	t.Setenv("MLCTL_CLUSTER", "from-env")
	f, ios = clitest.Factory(b, c)
	if err := clitest.Exec(NewCmdRoot(f), "cluster", "list", "--output", "yaml"); err != nil {
		t.Fatal(err)
	}
	if out := clitest.Out(ios); !strings.HasPrefix(out, "- name: demo") {
		t.Errorf("--output yaml lost to the environment: %q", out)
	}
	f, ios = clitest.Factory(b, c)
	if err := clitest.Exec(NewCmdRoot(f), "cluster", "list"); err != nil {
		t.Fatal(err)
	}
	if out := clitest.Out(ios); !strings.HasPrefix(out, "NAME\t") {
		t.Errorf("MLCTL_OUTPUT=table lost to the files: %q", out)
	}
}

// no_color fills the root's own --no-color.
func TestRootNoColorSetting(t *testing.T) {
	files(t, "no_color: true\n", "")
	f, ios := clitest.Factory(clitest.NewBackend("local"), nil)
	ios.SetStdoutTTY(true)
	ios.SetColorEnabled(true)
	if err := clitest.Exec(NewCmdRoot(f), "cluster", "list"); err != nil {
		t.Fatal(err)
	}
	if ios.ColorEnabled() {
		t.Error("no_color: true in the file left colour on")
	}
}

func TestRootBrokenConfig(t *testing.T) {
	user, _ := files(t, "cluster: demo\nbakend: yarn\n", "")
	for _, args := range [][]string{{"cluster", "list"}, {"frame", "list"}, {"cluster", "launch", "x"}} {
		f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
		err := clitest.Exec(NewCmdRoot(f), args...)
		if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), user+`:2:1: unknown setting "bakend" (hint: did you mean "backend"?)`) {
			t.Errorf("%v: code %d: %v", args, errs.Code(err), err)
		}
	}
	// The config commands, help and version still run.
	for _, args := range [][]string{{"config", "path"}, {"config", "get", "cluster"}, {"config", "set", "output", "json"},
		{"config", "unset", "bakend"}, {"version"}, {"help"}} {
		f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
		if err := clitest.Exec(NewCmdRoot(f), args...); err != nil {
			t.Errorf("%v with a broken file: %v", args, err)
		}
	}
	f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
	if err := clitest.Exec(NewCmdRoot(f), "cluster", "list"); err != nil {
		t.Errorf("after the repair: %v", err)
	}
}

// The engine a node runs is hidden and ignores the user's configuration,
// even a broken one: a node must not depend on it.
func TestRootHiddenCommandsIgnoreConfig(t *testing.T) {
	files(t, "output: [nope]\n", "")
	t.Setenv("MLCTL_CLUSTER", "from-env")
	f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
	var cluster string
	engine := &cobra.Command{Use: "engine", Hidden: true}
	node := &cobra.Command{Use: "node", RunE: func(*cobra.Command, []string) error { return nil }}
	node.Flags().StringVar(&cluster, "cluster", "", "")
	engine.AddCommand(node)
	if err := clitest.Exec(NewCmdRoot(f, engine), "engine", "node"); err != nil {
		t.Fatal(err)
	}
	if cluster != "" || f.Settings != nil {
		t.Errorf("a hidden command got settings: cluster %q", cluster)
	}
}

func TestRootPrincipalNeedsKeytab(t *testing.T) {
	files(t, "principal: alice@EXAMPLE.COM\n", "")
	f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
	err := clitest.Exec(NewCmdRoot(f), "cluster", "list")
	if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), "principal alice@EXAMPLE.COM (from file ") ||
		!strings.Contains(errs.Hint(err), "--keytab FILE") {
		t.Errorf("%v / %s", err, errs.Hint(err))
	}
	f, _ = clitest.Factory(clitest.NewBackend("local"), nil)
	if err := clitest.Exec(NewCmdRoot(f), "--keytab", "/k/alice.keytab", "cluster", "list"); err != nil {
		t.Errorf("with a keytab: %v", err)
	}
	if v := f.Settings.Get("keytab"); v.Value != "/k/alice.keytab" || v.Origin.Kind != config.FromFlag {
		t.Errorf("keytab %+v", v)
	}
}

// --verbose says which flags the settings filled, and from where.
func TestRootVerboseShowsApplied(t *testing.T) {
	user, _ := files(t, "# comment\noutput: json\n", "")
	t.Setenv("MLCTL_BACKEND", "local")
	f, ios := clitest.Factory(clitest.NewBackend("local"), nil)
	if err := clitest.Exec(NewCmdRoot(f), "-v", "cluster", "list"); err != nil {
		t.Fatal(err)
	}
	want := "config: --backend local (from MLCTL_BACKEND)\nconfig: --output json (from " + user + ":2)\n"
	if got := clitest.ErrOut(ios); got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
}

// A completion request never fails for a broken file, and a completer can
// fill the command it completes from the settings.
func TestRootCompletionGetsSettings(t *testing.T) {
	files(t, "cluster: demo\n", "")
	t.Setenv("MLCTL_OUTPUT", "xml") // broken, and ignored here
	f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
	var seen string
	probe := &cobra.Command{Use: "probe", RunE: func(*cobra.Command, []string) error { return nil }}
	var cluster string
	probe.Flags().StringVar(&cluster, "cluster", "", "")
	probe.ValidArgsFunction = func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		if f.Settings != nil && f.Settings.Apply(cmd) == nil {
			seen = cluster
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	root := NewCmdRoot(f, probe)
	root.SetArgs([]string{"__complete", "probe", ""})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if seen != "demo" {
		t.Errorf("the completer saw --cluster %q, want demo from the file", seen)
	}
}
