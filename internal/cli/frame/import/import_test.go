package importcmd

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func setup(t *testing.T) (string, *clitest.Backend, *clitest.ClusterAPI) {
	t.Helper()
	dir := t.TempDir()
	for _, n := range []string{"a.csv", "b.csv", "c.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x,y\n1,2\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	c := &clitest.ClusterAPI{
		FrameList: []api.FrameInfo{{Name: "train", Rows: 5000, Columns: 9, Chunks: 4, MemBytes: 3 << 20, Source: "a.csv"}},
		JobUpdates: []api.Job{
			{ID: "job-1", State: "running", Progress: 0.5, Message: "parsing"},
			{ID: "job-1", State: "done", Progress: 1, Warnings: []string{"column DepTime: 12 values read as NA"}},
		},
	}
	return dir, b, c
}

func TestImportFlags(t *testing.T) {
	dir, b, c := setup(t)
	t.Setenv(cmdutil.EnvCluster, "")
	f, _ := clitest.Factory(b, c)
	var got *ImportOptions
	runF := func(o *ImportOptions) error { got = o; return nil }
	err := clitest.Exec(NewCmdImport(f, runF), "--cluster", "demo", filepath.Join(dir, "*.csv"),
		"--name", "train", "--col-type", "Origin=cat", "--col-type", "DepTime=int", "--sep", "tab",
		"--header", "yes", "--na-string", "NULL", "--na-string", "-", "--replace")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Origin": "categorical", "DepTime": "numeric"}
	if !reflect.DeepEqual(got.ColTypes, want) || got.Sep != "\t" || got.Header != "yes" ||
		!reflect.DeepEqual(got.NAStrings, []string{"NULL", "-"}) || !got.Replace || got.Name != "train" {
		t.Errorf("opts %+v", got)
	}

	for _, bad := range [][]string{
		{"x.csv"}, // no cluster
		{"-c", "demo"},
		{"-c", "demo", "x.csv", "--col-type", "Origin"},
		{"-c", "demo", "x.csv", "--col-type", "Origin=complex"},
		{"-c", "demo", "x.csv", "--header", "maybe"},
		{"-c", "demo", "x.csv", "--sep", "::"},
		{"-c", "demo", "x.csv", "--name", ""},
		{"-c", "demo", "x.csv", "--name", "my data"},
		{"-c", "demo", "x.csv", "--name", ".hidden"},
	} {
		if err := clitest.Exec(NewCmdImport(f, runF), bad...); errs.Code(err) != errs.Usage {
			t.Errorf("%v: code %d (%v), want usage", bad, errs.Code(err), err)
		}
	}
	t.Setenv(cmdutil.EnvCluster, "fromenv")
	if err := clitest.Exec(NewCmdImport(f, runF), "x.csv"); err != nil || got.Cluster != "fromenv" {
		t.Errorf("MLCTL_CLUSTER: err %v cluster %q", err, got.Cluster)
	}
}

func TestImportRun(t *testing.T) {
	for _, tty := range []bool{true, false} {
		dir, b, c := setup(t)
		f, ios := clitest.Factory(b, c)
		ios.SetStdoutTTY(tty)
		ios.SetStderrTTY(tty)
		err := Run(&ImportOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Cluster: "demo",
			Paths: []string{filepath.Join(dir, "*.csv"), "hdfs://ns1/data/x.csv"}, Name: "train", Header: "auto"})
		if err != nil {
			t.Fatal(err)
		}
		req := c.Imports[0]
		wantPaths := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"), "hdfs://ns1/data/x.csv"}
		if !reflect.DeepEqual(req.Paths, wantPaths) || req.Name != "train" {
			t.Errorf("request %+v", req)
		}
		out, errOut := clitest.Out(ios), clitest.ErrOut(ios)
		if tty {
			if !strings.Contains(errOut, "\rimporting train [###############...............]  50% parsing") {
				t.Errorf("tty progress missing: %q", errOut)
			}
			if !strings.Contains(out, "train  5000  9        4       3.0 MiB  a.csv") {
				t.Errorf("tty table:\n%s", out)
			}
		} else {
			if errOut != "warning: column DepTime: 12 values read as NA\n" {
				t.Errorf("piped stderr must hold only warnings: %q", errOut)
			}
			if out != "NAME\tROWS\tCOLUMNS\tCHUNKS\tMEMORY\tSOURCE\ntrain\t5000\t9\t4\t3145728\ta.csv\n" {
				t.Errorf("piped table: %q", out)
			}
		}
	}
}

func TestImportPathErrors(t *testing.T) {
	dir, b, c := setup(t)
	f, ios := clitest.Factory(b, c)
	run := func(paths ...string) error {
		return Run(&ImportOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Cluster: "demo", Paths: paths})
	}
	err := run(filepath.Join(dir, "*.parquet"))
	if errs.Code(err) != errs.NotFound || !strings.Contains(err.Error(), "*.parquet") {
		t.Errorf("no match: code %d %v", errs.Code(err), err)
	}
	err = run(filepath.Join(dir, "missing.csv"))
	if errs.Code(err) != errs.NotFound || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing: code %d %v", errs.Code(err), err)
	}
	if os.Geteuid() != 0 {
		p := filepath.Join(dir, "secret.csv")
		if err := os.WriteFile(p, nil, 0o000); err != nil {
			t.Fatal(err)
		}
		err = run(p)
		if errs.Code(err) != errs.Error || !strings.Contains(err.Error(), "secret.csv: permission denied") {
			t.Errorf("unreadable: code %d %v", errs.Code(err), err)
		}
	}
	err = Run(&ImportOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Cluster: "nosuch",
		Paths: []string{filepath.Join(dir, "a.csv")}})
	if errs.Code(err) != errs.NotFound || !strings.Contains(errs.Hint(err), "mlctl cluster list") {
		t.Errorf("unknown cluster: code %d %v", errs.Code(err), err)
	}
}

func TestDefaultName(t *testing.T) {
	for in, want := range map[string]string{
		"/data/airline-sample.csv":   "airline-sample",
		"/data/airline.csv.gz":       "airline",
		"hdfs://ns1/user/a/flights/": "flights",
		"relative/name":              "name",
		"/data/.hidden.csv":          "_hidden",
		"/data/my data.csv":          "my_data",
		"/data/été.csv":              "_t_",
		"/data/a(b).csv":             "a_b_",
		"/data/-x.csv":               "_x",
	} {
		if got := DefaultName(in); got != want || !ValidName.MatchString(got) {
			t.Errorf("DefaultName(%q) = %q, want %q (a valid name)", in, got, want)
		}
	}
}

func FuzzParseColTypes(f *testing.F) {
	f.Add("Origin=categorical")
	f.Add("a=b=c")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseColTypes([]string{s})
		if err == nil && len(m) != 1 {
			t.Fatalf("%q: %v", s, m)
		}
	})
}

// A failed import shows the job's warnings before its error, and the hint.
func TestFailedImportShowsWarnings(t *testing.T) {
	dir, b, c := setup(t)
	c.JobUpdates = []api.Job{{ID: "job-1", Kind: "import", State: "failed", Error: "a.csv:3: 3 fields, want 2",
		Warnings: []string{"column y looked numeric in the first rows, but a.csv:2 has \"z\""}}}
	f, ios := clitest.Factory(b, c)
	err := Run(&ImportOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: context.Background(), Cluster: "demo",
		Paths: []string{filepath.Join(dir, "a.csv")}, Name: "t", Header: "auto"})
	if err == nil || !strings.Contains(err.Error(), "3 fields") || !strings.Contains(errs.Hint(err), "--sep") {
		t.Fatalf("err %v (hint %q)", err, errs.Hint(err))
	}
	if !strings.Contains(clitest.ErrOut(ios), "looked numeric") {
		t.Errorf("warnings not shown: %q", clitest.ErrOut(ios))
	}
}

// Ctrl-C while waiting: exit 130, and the job left running is named with
// the command that cancels it.
func TestImportInterrupted(t *testing.T) {
	dir, b, c := setup(t)
	c.WaitBlock = true
	c.Waiting = make(chan struct{})
	f, ios := clitest.Factory(b, c)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-c.Waiting; cancel() }()
	err := Run(&ImportOptions{IO: ios, ClusterAPI: f.ClusterAPI, Ctx: ctx, Cluster: "demo",
		Paths: []string{filepath.Join(dir, "a.csv")}, Name: "t", Header: "auto"})
	if errs.Code(err) != errs.Interrupted || !strings.Contains(errs.Hint(err), "mlctl job cancel --cluster demo") {
		t.Fatalf("interrupted import: code %d, %v, hint %q", errs.Code(err), err, errs.Hint(err))
	}
}
