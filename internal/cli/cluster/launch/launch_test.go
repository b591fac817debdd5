package launch

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
)

func TestNewCmdLaunchFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		check    func(*testing.T, *LaunchOptions)
	}{
		{name: "defaults", args: []string{"demo"}, check: func(t *testing.T, o *LaunchOptions) {
			if o.Nodes != 1 || o.MemoryBytes != 1<<30 || o.VCores != 1 || o.Timeout != 2*time.Minute || o.Wait || o.BackendName != "" || o.Output != cmdutil.OutputTable {
				t.Errorf("defaults: %+v", o)
			}
		}},
		{name: "all flags", args: []string{"demo", "--nodes", "3", "--memory", "1.5g", "--vcores", "2", "--queue", "ml", "--backend", "yarn", "--wait", "--timeout", "30s", "--if-absent", "-o", "json"},
			check: func(t *testing.T, o *LaunchOptions) {
				if o.Nodes != 3 || o.MemoryBytes != 1536<<20 || o.VCores != 2 || o.Queue != "ml" || o.BackendName != "yarn" || !o.Wait || o.Timeout != 30*time.Second || !o.IfAbsent || o.Output != cmdutil.OutputJSON {
					t.Errorf("flags: %+v", o)
				}
			}},
		{name: "no name", args: nil, wantCode: errs.Usage},
		{name: "two names", args: []string{"a", "b"}, wantCode: errs.Usage},
		{name: "bad name", args: []string{"Demo_1"}, wantCode: errs.Usage},
		{name: "bad memory", args: []string{"demo", "--memory", "lots"}, wantCode: errs.Usage},
		{name: "bad nodes", args: []string{"demo", "--nodes", "0"}, wantCode: errs.Usage},
		{name: "bad backend", args: []string{"demo", "--backend", "k8s"}, wantCode: errs.Usage},
		{name: "bad output", args: []string{"demo", "-o", "xml"}, wantCode: errs.Usage},
		{name: "unknown flag", args: []string{"demo", "--bogus"}, wantCode: errs.Usage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := clitest.Factory(clitest.NewBackend("local"), nil)
			var got *LaunchOptions
			err := clitest.Exec(NewCmdLaunch(f, func(o *LaunchOptions) error { got = o; return nil }), tt.args...)
			if errs.Code(err) != tt.wantCode {
				t.Fatalf("exit code %d, want %d (err %v)", errs.Code(err), tt.wantCode, err)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func newOpts(b *clitest.Backend, tty bool) (*LaunchOptions, *iostreams.IOStreams) {
	f, ios := clitest.Factory(b, nil)
	ios.SetStdoutTTY(tty)
	ios.SetStderrTTY(tty)
	return &LaunchOptions{IO: ios, Backend: f.Backend, Ctx: context.Background(), Name: "demo",
		Nodes: 3, MemoryBytes: 1 << 30, VCores: 1, Wait: true, Timeout: time.Minute, Output: cmdutil.OutputTable}, ios
}

func phases() []launcher.Progress {
	return []launcher.Progress{
		{Phase: "starting nodes", Wanted: 3},
		{Phase: "forming cloud", Joined: 1, Wanted: 3},
		{Phase: "forming cloud", Joined: 3, Wanted: 3},
	}
}

func TestRunTTY(t *testing.T) {
	b := clitest.NewBackend("local")
	b.Phases = phases()
	opts, ios := newOpts(b, true)
	if err := Run(opts); err != nil {
		t.Fatal(err)
	}
	out := clitest.Out(ios)
	want := "NAME  STATE    NODES  MEMORY   LEADER\ndemo  running  3      1.0 GiB  127.0.0.1:54321\n"
	if out != want {
		t.Errorf("stdout =\n%q\nwant\n%q", out, want)
	}
	errOut := clitest.ErrOut(ios)
	if !strings.Contains(errOut, "\rlaunching demo: forming cloud (1/3 nodes)") || strings.Count(errOut, "\r") < 4 {
		t.Errorf("tty progress should rewrite one line with \\r: %q", errOut)
	}
}

func TestRunPiped(t *testing.T) {
	b := clitest.NewBackend("local")
	b.Phases = phases()
	opts, ios := newOpts(b, false)
	if err := Run(opts); err != nil {
		t.Fatal(err)
	}
	out := clitest.Out(ios)
	if want := "NAME\tSTATE\tNODES\tMEMORY\tLEADER\ndemo\trunning\t3\t1073741824\t127.0.0.1:54321\n"; out != want {
		t.Errorf("stdout =\n%q\nwant\n%q", out, want)
	}
	errOut := clitest.ErrOut(ios)
	want := "launching demo: starting nodes (0/3 nodes)\nlaunching demo: forming cloud (1/3 nodes)\n"
	if errOut != want {
		t.Errorf("piped progress = %q, want one line per phase %q", errOut, want)
	}
}

func TestRunJSON(t *testing.T) {
	b := clitest.NewBackend("local")
	opts, ios := newOpts(b, false)
	opts.Output = cmdutil.OutputJSON
	if err := Run(opts); err != nil {
		t.Fatal(err)
	}
	var rec launcher.Record
	if err := json.Unmarshal([]byte(clitest.Out(ios)), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Name != "demo" || rec.MemoryBytes != 1<<30 || rec.Nodes != 3 {
		t.Errorf("record = %+v", rec)
	}
}

func TestRunExisting(t *testing.T) {
	b := clitest.NewBackend("local")
	opts, _ := newOpts(b, false)
	if err := Run(opts); err != nil {
		t.Fatal(err)
	}
	err := Run(opts)
	if errs.Code(err) != errs.Error || !strings.Contains(errs.Hint(err), "--if-absent") {
		t.Fatalf("second launch: code %d hint %q err %v", errs.Code(err), errs.Hint(err), err)
	}

	opts, ios := newOpts(b, false)
	opts.IfAbsent = true
	if err := Run(opts); err != nil {
		t.Fatalf("--if-absent: %v", err)
	}
	if got := clitest.ErrOut(ios); got != "cluster demo already exists; nothing changed\n" {
		t.Errorf("stderr = %q", got)
	}
	if n := strings.Count(strings.Join(b.Calls, ","), "launch"); n != 2 {
		t.Errorf("--if-absent must not call Launch: calls %v", b.Calls)
	}
}

func TestRunTimeout(t *testing.T) {
	b := clitest.NewBackend("local")
	b.Block = true
	opts, _ := newOpts(b, false)
	opts.Timeout = 10 * time.Millisecond
	err := Run(opts)
	if errs.Code(err) != errs.Timeout {
		t.Fatalf("code %d, want %d (%v)", errs.Code(err), errs.Timeout, err)
	}
	if !strings.Contains(errs.Hint(err), "mlctl cluster status demo") {
		t.Errorf("hint = %q", errs.Hint(err))
	}
}

// Ctrl-C during launch --wait is an interrupt (exit 130), not a timeout.
func TestRunInterrupted(t *testing.T) {
	b := clitest.NewBackend("local")
	b.Block = true
	opts, _ := newOpts(b, false)
	ctx, cancel := context.WithCancel(context.Background())
	opts.Ctx = ctx
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	err := Run(opts)
	if errs.Code(err) != errs.Interrupted || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("interrupted launch: code %d, %v", errs.Code(err), err)
	}
}
