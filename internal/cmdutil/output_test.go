package cmdutil

import (
	"bytes"
	"errors"
	"io/fs"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
)

func TestOutputFormatSet(t *testing.T) {
	var o OutputFormat
	for _, ok := range []string{"table", "json", "YAML"} {
		if err := o.Set(ok); err != nil {
			t.Errorf("Set(%q): %v", ok, err)
		}
	}
	if err := o.Set("xml"); err == nil {
		t.Error("Set(xml) should fail")
	}
}

func TestWriteDataJSONAndYAML(t *testing.T) {
	rec := launcher.Record{Name: "demo", Backend: "local", State: "running", Nodes: 3,
		MemoryBytes: 1 << 30, CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	var j bytes.Buffer
	if err := WriteData(&j, OutputJSON, rec); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(j.Bytes(), []byte(`"memory_bytes": 1073741824`)) {
		t.Errorf("json lacks snake_case exact integer:\n%s", j.String())
	}
	var y bytes.Buffer
	if err := WriteData(&y, OutputYAML, rec); err != nil {
		t.Fatal(err)
	}
	want := "name: demo\nbackend: local\nstate: running\nnodes: 3\nmemory_bytes: 1073741824\n"
	if !bytes.HasPrefix(y.Bytes(), []byte(want)) {
		t.Errorf("yaml =\n%s\nwant prefix\n%s", y.String(), want)
	}
	if !bytes.Contains(y.Bytes(), []byte(`created_at: "2025-01-02T03:04:05Z"`)) {
		t.Errorf("yaml time not a quoted RFC3339 string:\n%s", y.String())
	}
}

func TestTablePrinter(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	tp := NewTablePrinter(ios)
	tp.Header("NAME", "STATE")
	tp.AddRow("demo", "running")
	tp.AddRow("a-long-name", "stopped")
	if err := tp.Render(); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "NAME\tSTATE\ndemo\trunning\na-long-name\tstopped\n"; got != want {
		t.Errorf("piped =\n%q\nwant\n%q", got, want)
	}

	out.Reset()
	ios.SetStdoutTTY(true)
	ios.SetColorEnabled(true)
	tp = NewTablePrinter(ios)
	tp.Header("NAME", "STATE")
	tp.AddField("demo", ios.ColorScheme().Green)
	tp.AddField("running", nil)
	tp.EndRow()
	tp.AddRow("a-long-name", "stopped")
	if err := tp.Render(); err != nil {
		t.Fatal(err)
	}
	want := "\x1b[1mNAME\x1b[0m         \x1b[1mSTATE\x1b[0m\n" +
		"\x1b[32mdemo\x1b[0m         running\n" +
		"a-long-name  stopped\n"
	if out.String() != want {
		t.Errorf("tty =\n%q\nwant\n%q", out.String(), want)
	}
}

func TestClusterErrorNotFound(t *testing.T) {
	err := ClusterError("nosuch", errors.Join(errors.New("reading record"), fs.ErrNotExist))
	if errs.Code(err) != errs.NotFound {
		t.Fatalf("code = %d", errs.Code(err))
	}
	if err.Error() != `no cluster named "nosuch"` {
		t.Errorf("message = %q", err.Error())
	}
	if errs.Hint(err) != "see your clusters with: mlctl cluster list" {
		t.Errorf("hint = %q", errs.Hint(err))
	}
	other := errors.New("boom")
	if ClusterError("x", other) != other {
		t.Error("other errors must pass through")
	}
}

func TestResolveCluster(t *testing.T) {
	t.Setenv(EnvCluster, "")
	if _, err := ResolveCluster(""); errs.Code(err) != errs.Usage {
		t.Fatalf("missing cluster: code %d (%v)", errs.Code(err), err)
	}
	t.Setenv(EnvCluster, "envc")
	if c, _ := ResolveCluster(""); c != "envc" {
		t.Errorf("env: %q", c)
	}
	if c, _ := ResolveCluster("flagc"); c != "flagc" {
		t.Errorf("flag: %q", c)
	}
}

func TestTimeAndDuration(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tm := now.Add(-5 * time.Minute).In(time.FixedZone("X", 3600))
	if got := Time(ios, tm, now); got != "2025-01-02T02:59:05Z" {
		t.Errorf("piped time = %q", got)
	}
	ios.SetStdoutTTY(true)
	if got := Time(ios, tm, now); got != "5 minutes ago" {
		t.Errorf("tty time = %q", got)
	}
	if got := Duration(ios, 2*time.Hour+5*time.Minute+3*time.Second); got != "2h5m" {
		t.Errorf("tty duration = %q", got)
	}
}
