package list

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/launcher"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// renderBackend has a state of every colour, a long name and a state that
// could not be refreshed (the widest cell).
func renderBackend() *clitest.Backend {
	b := clitest.NewBackend("yarn")
	add := func(name, backend, state string, nodes int, mem int64, age time.Duration, notRefreshed string) {
		b.Clusters[name] = &launcher.Record{Name: name, Backend: backend, State: state, Nodes: nodes,
			MemoryBytes: mem, CreatedAt: clitest.Now.Add(-age), NotRefreshed: notRefreshed}
	}
	add("alice-airlines-gbm-2008", "yarn", "running", 4, 8<<30, 5*time.Minute, "")
	add("demo", "local", "stopped", 1, 512<<20, 3*24*time.Hour, "")
	add("h7-nightly", "yarn", "failed", 2, 2<<30, 26*time.Hour, "no Kerberos ticket")
	add("scratch", "local", "starting", 3, 1<<30, 10*time.Second, "")
	return b
}

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestListRenderGolden: `cluster list` on a terminal of 120 and of 60
// columns, with colour and without. At 120 nothing is cut; at 60 the
// widest column (the state that was not refreshed) is cut first, then the
// name, each with an ellipsis, and every row stays on one line.
func TestListRenderGolden(t *testing.T) {
	twwidth.SetEastAsian(false) // as on most terminals; the locale must not change the golden
	for _, width := range []int{120, 60} {
		for _, color := range []bool{false, true} {
			name := fmt.Sprintf("list-%d-%s.golden", width, map[bool]string{false: "plain", true: "color"}[color])
			t.Run(name, func(t *testing.T) {
				f, ios := clitest.Factory(renderBackend(), nil)
				ios.SetStdoutTTY(true)
				ios.SetColorEnabled(color)
				ios.SetTerminalWidth(width)
				if err := Run(&ListOptions{IO: ios, Backend: f.Backend, Now: f.Now, Ctx: context.Background(), Output: cmdutil.OutputTable}); err != nil {
					t.Fatal(err)
				}
				out := clitest.Out(ios)
				clitest.Golden(t, name, out)
				plain := ansiRE.ReplaceAllString(out, "")
				if !color && plain != out {
					t.Errorf("escapes with colour off:\n%q", out)
				}
				lines := strings.Split(strings.TrimSuffix(plain, "\n"), "\n")
				if len(lines) != 5 {
					t.Errorf("%d lines, want a header and 4 rows:\n%s", len(lines), plain)
				}
				for _, l := range lines {
					if w := twwidth.Width(l); w > width {
						t.Errorf("line of %d cells on a %d-column terminal: %q", w, width, l)
					}
				}
			})
		}
	}
}

// TestListRenderColorsStates: the states keep their colours, cut or not.
func TestListRenderColorsStates(t *testing.T) {
	for _, width := range []int{120, 60} {
		f, ios := clitest.Factory(renderBackend(), nil)
		ios.SetStdoutTTY(true)
		ios.SetColorEnabled(true)
		ios.SetTerminalWidth(width)
		if err := Run(&ListOptions{IO: ios, Backend: f.Backend, Now: f.Now, Ctx: context.Background(), Output: cmdutil.OutputTable}); err != nil {
			t.Fatal(err)
		}
		out := clitest.Out(ios)
		for _, want := range []string{"\x1b[1mNAME\x1b[0m", "\x1b[32mrunning\x1b[0m", "\x1b[2mstopped\x1b[0m", "\x1b[33mstarting\x1b[0m", "\x1b[31mfailed"} {
			if !strings.Contains(out, want) {
				t.Errorf("width %d: output lacks %q:\n%q", width, want, out)
			}
		}
	}
}

// TestListPipedIgnoresWidth: piped output is never cut, however narrow
// COLUMNS says the terminal is.
func TestListPipedIgnoresWidth(t *testing.T) {
	f, ios := clitest.Factory(renderBackend(), nil)
	ios.SetTerminalWidth(20)
	if err := Run(&ListOptions{IO: ios, Backend: f.Backend, Now: f.Now, Ctx: context.Background(), Output: cmdutil.OutputTable}); err != nil {
		t.Fatal(err)
	}
	out := clitest.Out(ios)
	for _, want := range []string{
		"NAME\tBACKEND\tSTATE\tNODES\tMEMORY\tCREATED\n",
		"alice-airlines-gbm-2008\tyarn\trunning\t4\t8589934592\t2025-06-01T11:55:00Z\n",
		"h7-nightly\tyarn\tfailed (not refreshed)\t2\t2147483648\t2025-05-31T10:00:00Z\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("piped output lacks %q:\n%q", want, out)
		}
	}
	if strings.Contains(out, "…") || strings.Contains(out, "\x1b") {
		t.Errorf("piped output cut or coloured:\n%q", out)
	}
}
