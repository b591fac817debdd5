package completions_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cli/root"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// Directives as cobra prints them after the candidates.
const (
	noFile  = ":4" // ShellCompDirectiveNoFileComp
	files   = ":0" // ShellCompDirectiveDefault: the shell completes file names
	outerOK = 5 * time.Second
)

// complete runs `mlctl __complete args...` on a root built over f and
// returns the candidates' names and the directive line. It fails the test
// when the completion does not return within outerOK (a hang).
func complete(t *testing.T, f *cmdutil.Factory, args ...string) ([]string, string) {
	t.Helper()
	cmd := root.NewCmdRoot(f)
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(append([]string{cobra.ShellCompRequestCmd}, args...))
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("__complete %q: %v", args, err)
		}
	case <-time.After(outerOK):
		t.Fatalf("__complete %q did not return within %s", args, outerOK)
	}
	// Shells drop stderr, but nothing may be written there beyond cobra's
	// own note of the directive: no error or warning of mlctl's.
	for _, l := range strings.Split(strings.TrimSpace(errOut.String()), "\n") {
		if !strings.HasPrefix(l, "Completion ended with directive:") {
			t.Errorf("__complete %q wrote %q to stderr", args, l)
		}
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	directive := lines[len(lines)-1]
	var names []string
	for _, l := range lines[:len(lines)-1] {
		name, _, _ := strings.Cut(l, "\t")
		names = append(names, name)
	}
	return names, directive
}

func fixture() (*clitest.Backend, *clitest.ClusterAPI) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", Backend: "local", State: "running", Nodes: 3}
	b.Clusters["dev"] = &launcher.Record{Name: "dev", Backend: "local", State: "starting", Nodes: 1}
	b.Clusters["old"] = &launcher.Record{Name: "old", Backend: "yarn", State: "stopped", Nodes: 2}
	c := &clitest.ClusterAPI{
		FrameList: []api.FrameInfo{{Name: "train", Rows: 4000, Columns: 9}, {Name: "train_0"}, {Name: "valid"}},
		ModelList: []api.ModelInfo{{ModelID: "gbm-1", Algo: "gbm", Target: "IsDelayed", Frame: "train"}, {ModelID: "glm-2", Algo: "glm"}},
		Summaries: map[string]*api.Summary{"train": {Name: "train", Columns: []api.ColumnSummary{
			{Name: "Origin", Type: "enum"}, {Name: "Distance", Type: "int"}, {Name: "IsDelayed", Type: "int"}, {Name: "DepTime", Type: "int"}}}},
		JobList: []api.Job{{ID: "job-1", Kind: "import", State: "done"}, {ID: "job-2", Kind: "train", State: "running", Progress: 0.4},
			{ID: "job-3", Kind: "predict", State: "failed"}},
	}
	return b, c
}

func TestCompleteNames(t *testing.T) {
	t.Setenv(cmdutil.EnvCluster, "")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		// Cluster names from the backend's records; stop offers live ones.
		{[]string{"cluster", "status", ""}, []string{"demo", "dev", "old"}},
		{[]string{"cluster", "status", "d"}, []string{"demo", "dev"}},
		{[]string{"cluster", "logs", ""}, []string{"demo", "dev", "old"}},
		{[]string{"cluster", "delete", "o"}, []string{"old"}},
		{[]string{"cluster", "stop", ""}, []string{"demo", "dev"}},
		{[]string{"cluster", "start", ""}, []string{"old"}}, // ended ones only
		{[]string{"cluster", "status", "--backend", "yarn", ""}, []string{"demo", "dev", "old"}},
		{[]string{"cluster", "status", "demo", ""}, nil}, // takes one NAME
		{[]string{"frame", "list", "--cluster", ""}, []string{"demo", "dev"}},
		{[]string{"model", "list", "-c", "de"}, []string{"demo", "dev"}},
		// Frames, models and jobs from the cluster's leader.
		{[]string{"frame", "summary", "--cluster", "demo", ""}, []string{"train", "train_0", "valid"}},
		{[]string{"frame", "split", "-c", "demo", "train"}, []string{"train", "train_0"}},
		{[]string{"frame", "delete", "-c", "demo", "train", ""}, []string{"train_0", "valid"}},
		{[]string{"train", "gbm", "-c", "demo", "--frame", ""}, []string{"train", "train_0", "valid"}},
		{[]string{"train", "glm", "-c", "demo", "--valid", "v"}, []string{"valid"}},
		{[]string{"predict", "-c", "demo", "--frame", "t"}, []string{"train", "train_0"}},
		{[]string{"predict", "-c", "demo", "--model", ""}, []string{"gbm-1", "glm-2"}},
		{[]string{"model", "show", "-c", "demo", ""}, []string{"gbm-1", "glm-2"}},
		{[]string{"model", "export", "-c", "demo", "gl"}, []string{"glm-2"}},
		{[]string{"model", "delete", "-c", "demo", "gbm-1", ""}, []string{"glm-2"}},
		{[]string{"job", "show", "-c", "demo", ""}, []string{"job-1", "job-2", "job-3"}},
		{[]string{"job", "cancel", "-c", "demo", ""}, []string{"job-2"}},
		// Columns of the frame being trained on; --ignore is a list.
		{[]string{"train", "gbm", "-c", "demo", "--frame", "train", "--target", ""}, []string{"DepTime", "Distance", "IsDelayed", "Origin"}},
		{[]string{"train", "glm", "-c", "demo", "--frame", "train", "--weights-column", "D"}, []string{"DepTime", "Distance"}},
		{[]string{"train", "gbm", "-c", "demo", "--frame", "train", "--ignore", "Origin,D"}, []string{"Origin,DepTime", "Origin,Distance"}},
		{[]string{"train", "gbm", "-c", "demo", "--frame", "train", "--ignore", "Origin,"}, []string{"Origin,DepTime", "Origin,Distance", "Origin,IsDelayed"}},
		{[]string{"train", "gbm", "-c", "demo", "--target", ""}, nil}, // no --frame yet
		{[]string{"train", "gbm", "-c", "demo", "--frame", "nosuch", "--target", ""}, nil},
		// config set KEY VALUE: names for the settings that are names, the
		// config command's own answers otherwise.
		{[]string{"config", "set", "cluster", ""}, []string{"demo", "dev", "old"}},
		{[]string{"config", "set", "backend", ""}, []string{"local", "yarn"}},
		{[]string{"config", "set", "cluster", "demo", ""}, nil},
		// Commands whose arguments are not files offer none.
		{[]string{"cluster", "launch", ""}, nil},
		{[]string{"version", ""}, nil},
		{[]string{"train", "gbm", "--ntrees", ""}, nil},
		{[]string{"completion", ""}, []string{"bash", "zsh", "fish", "powershell"}},
	} {
		b, c := fixture()
		f, _ := clitest.Factory(b, c)
		got, directive := complete(t, f, tc.args...)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: candidates %q, want %q", tc.args, got, tc.want)
		}
		if directive != noFile {
			t.Errorf("%q: directive %s, want %s (no file names)", tc.args, directive, noFile)
		}
	}
}

// TestCompleteScoreKeep: score --keep offers INPUT's header columns (CSV,
// gzipped CSV, another separator), none before INPUT is given.
func TestCompleteScoreKeep(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "flights.csv")
	if err := os.WriteFile(csv, []byte("FlightID,Origin,\"Dest\"\n1,SFO,JFK\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, "flights.tsv.gz")
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("FlightID\tOrigin\tDest\n1\tSFO\tJFK\n"))
	zw.Close()
	if err := os.WriteFile(gz, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"score", "m.mlz", csv, "--keep", ""}, []string{"Dest", "FlightID", "Origin"}},
		{[]string{"score", "m.mlz", csv, "--keep", "Origin,"}, []string{"Origin,Dest", "Origin,FlightID"}},
		{[]string{"score", "m.mlz", gz, "--keep", "F"}, []string{"FlightID"}},
		{[]string{"score", "m.mlz", "--keep", ""}, nil},
		{[]string{"score", "m.mlz", filepath.Join(dir, "missing.csv"), "--keep", ""}, nil},
	} {
		if got, directive := complete(t, f, tc.args...); !slices.Equal(got, tc.want) || directive != noFile {
			t.Errorf("%q: %q %s, want %q", tc.args, got, directive, tc.want)
		}
	}
}

func TestCompleteDescriptions(t *testing.T) {
	b, c := fixture()
	f, _ := clitest.Factory(b, c)
	cmd := root.NewCmdRoot(f)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetArgs([]string{cobra.ShellCompRequestCmd, "cluster", "status", "o"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if want := "old\tstopped, yarn, 2 nodes\n"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("got %q, want it to start with %q", out.String(), want)
	}
}

func TestCompleteClusterFromEnv(t *testing.T) {
	t.Setenv(cmdutil.EnvCluster, "demo")
	b, c := fixture()
	f, _ := clitest.Factory(b, c)
	if got, _ := complete(t, f, "frame", "summary", ""); !slices.Equal(got, []string{"train", "train_0", "valid"}) {
		t.Errorf("with $%s=demo: %q", cmdutil.EnvCluster, got)
	}
	// --cluster wins over the environment: an unknown cluster offers nothing.
	if got, _ := complete(t, f, "frame", "summary", "--cluster", "nope", ""); got != nil {
		t.Errorf("--cluster nope: %q, want nothing", got)
	}
}

// TestCompleteNothingToAsk: without a cluster, or when the lookup fails,
// nothing is offered and nothing but the directive reaches stdout.
func TestCompleteNothingToAsk(t *testing.T) {
	t.Setenv(cmdutil.EnvCluster, "")
	b, c := fixture()
	f, _ := clitest.Factory(b, c)
	for _, args := range [][]string{
		{"frame", "summary", ""},
		{"job", "cancel", "--cluster", "missing", ""},
	} {
		if got, directive := complete(t, f, args...); got != nil || directive != noFile {
			t.Errorf("%q: %q %s, want no candidates and %s", args, got, directive, noFile)
		}
	}
	f.Backend = func(string) (launcher.Backend, error) { return nil, errors.New("no backend wired") }
	if got, directive := complete(t, f, "cluster", "stop", ""); got != nil || directive != noFile {
		t.Errorf("backend error: %q %s", got, directive)
	}
}

// TestCompleteKeepsFiles: arguments and flags that are files keep the
// shell's file completion.
func TestCompleteKeepsFiles(t *testing.T) {
	b, c := fixture()
	f, _ := clitest.Factory(b, c)
	for _, args := range [][]string{
		{"score", ""},
		{"score", "model.mlz", ""},
		{"model", "verify", ""},
		{"model", "inspect", ""},
		{"frame", "import", "-c", "demo", ""},
		{"train", "gbm", "--spec", ""},
		{"model", "export", "-c", "demo", "gbm-1", "-o", ""},
	} {
		if got, directive := complete(t, f, args...); got != nil || directive != files {
			t.Errorf("%q: %q %s, want file completion (%s)", args, got, directive, files)
		}
	}
}

// blockingAPI is a leader that never answers, whatever the context says.
type blockingAPI struct {
	cmdutil.ClusterAPI
	release chan struct{}
}

func (b blockingAPI) Frames(context.Context) ([]api.FrameInfo, error) { <-b.release; return nil, nil }
func (b blockingAPI) Models(context.Context) ([]api.ModelInfo, error) { <-b.release; return nil, nil }
func (b blockingAPI) Jobs(context.Context) ([]api.Job, error)         { <-b.release; return nil, nil }
func (b blockingAPI) Summary(context.Context, string) (*api.Summary, error) {
	<-b.release
	return nil, nil
}

// blockingBackend lists records only after release is closed.
type blockingBackend struct {
	*clitest.Backend
	release chan struct{}
}

func (b blockingBackend) List(ctx context.Context) ([]launcher.Record, error) {
	<-b.release
	return b.Backend.List(ctx)
}

// TestCompleteDeadCluster: a leader, a connection or a backend that hangs
// gives no candidates, and the completion returns (within Limit; the test
// only bounds it by a generous outer limit to catch a hang).
func TestCompleteDeadCluster(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	b, _ := fixture()

	hungLeader, _ := clitest.Factory(b, nil)
	hungLeader.ClusterAPI = func(context.Context, string) (cmdutil.ClusterAPI, error) {
		return blockingAPI{release: release}, nil
	}
	hungConnect, _ := clitest.Factory(b, nil)
	hungConnect.ClusterAPI = func(context.Context, string) (cmdutil.ClusterAPI, error) { <-release; return nil, nil }
	hungBackend, _ := clitest.Factory(nil, nil)
	hungBackend.Backend = func(string) (launcher.Backend, error) { return blockingBackend{b, release}, nil }

	for _, tc := range []struct {
		name string
		f    *cmdutil.Factory
		args []string
	}{
		{"leader: frames", hungLeader, []string{"frame", "summary", "-c", "demo", ""}},
		{"leader: --valid", hungLeader, []string{"train", "gbm", "-c", "demo", "--valid", ""}},
		{"leader: models", hungLeader, []string{"model", "show", "-c", "demo", ""}},
		{"leader: jobs", hungLeader, []string{"job", "cancel", "-c", "demo", ""}},
		{"leader: columns", hungLeader, []string{"train", "gbm", "-c", "demo", "--frame", "train", "--target", ""}},
		{"leader: column list", hungLeader, []string{"train", "gbm", "-c", "demo", "--frame", "train", "--ignore", "a,"}},
		{"connect", hungConnect, []string{"predict", "-c", "demo", "--model", ""}},
		{"backend", hungBackend, []string{"cluster", "status", ""}},
		{"backend: --cluster", hungBackend, []string{"frame", "list", "--cluster", ""}},
	} {
		if got, directive := complete(t, tc.f, tc.args...); got != nil || directive != noFile {
			t.Errorf("%s %q: %q %s, want no candidates", tc.name, tc.args, got, directive)
		}
	}
}

// TestEveryClusterFlagCompletes: every visible command's --cluster (and the
// other name flags) has a completer, whichever branch added the command.
func TestEveryClusterFlagCompletes(t *testing.T) {
	f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
	var walk func(*cobra.Command)
	seen := 0
	walk = func(cmd *cobra.Command) {
		if cmd.Hidden {
			return
		}
		for _, name := range []string{"cluster", "frame", "valid", "model", "queue", "profile", "engine"} {
			if cmd.LocalFlags().Lookup(name) == nil {
				continue
			}
			seen++
			if _, ok := cmd.GetFlagCompletionFunc(name); !ok {
				t.Errorf("%s --%s has no completion", cmd.CommandPath(), name)
			}
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root.NewCmdRoot(f))
	if seen < 10 {
		t.Errorf("only %d name flags found: is the tree built?", seen)
	}
}
