package status

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/launcher"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// degradedFixtures: a YARN cluster that lost a node, with the long values
// a panel has to wrap (the RM's tracking URL, the diagnostics).
func degradedFixtures() (*clitest.Backend, *clitest.ClusterAPI) {
	b := clitest.NewBackend("yarn")
	b.Clusters["h7-nightly"] = &launcher.Record{Name: "h7-nightly", Backend: "yarn", State: "running", Nodes: 2,
		MemoryBytes: 2 << 30, CreatedAt: clitest.Now.Add(-3 * time.Hour), Queue: "analytics",
		AppID: "application_1748736000000_0042", YARNState: "RUNNING/UNDEFINED",
		TrackingURL: "https://rm1.gateway.example:8090/proxy/application_1748736000000_0042/",
		Diagnostics: "Container container_1748736000000_0042_01_000003 on host worker7.example exited with exitCode: 137 (killed: memory limit exceeded)",
		Leader:      "10.0.0.7:54321"}
	c := &clitest.ClusterAPI{CloudStatus: &api.CloudStatus{
		Cluster: "h7-nightly", Healthy: false, Leader: 0, Size: 2, Formed: true,
		Problem:  "node 1 missed 6 heartbeats",
		Started:  clitest.Now.Add(-3*time.Hour + time.Minute),
		LastWork: clitest.Now.Add(-7 * time.Minute),
		Nodes: []api.NodeStatus{
			{Index: 0, Addr: "10.0.0.7:54321", PID: 4101, Healthy: true, LastHeartbeat: clitest.Now.Add(-time.Second), MemBytes: 700 << 20},
			{Index: 1, Addr: "10.0.0.9:54321", PID: 5202, Healthy: false, LastHeartbeat: clitest.Now.Add(-65 * time.Second), MemBytes: 690 << 20},
		},
	}}
	return b, c
}

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestStatusRenderGolden: the key/value panel and the node table of
// `cluster status` at 120 and 60 columns, with colour and without. At 60
// the diagnostics wrap at blanks under their value column, in full, and
// the tracking URL, one word, is left whole for the terminal to wrap (so it
// can be copied or clicked); no other line is wider than the terminal.
func TestStatusRenderGolden(t *testing.T) {
	twwidth.SetEastAsian(false) // as on most terminals; the locale must not change the golden
	for _, width := range []int{120, 60} {
		for _, color := range []bool{false, true} {
			name := fmt.Sprintf("status-%d-%s.golden", width, map[bool]string{false: "plain", true: "color"}[color])
			t.Run(name, func(t *testing.T) {
				b, c := degradedFixtures()
				f, ios := clitest.Factory(b, c)
				ios.SetStdoutTTY(true)
				ios.SetColorEnabled(color)
				ios.SetTerminalWidth(width)
				err := Run(&StatusOptions{IO: ios, Backend: f.Backend, ClusterAPI: f.ClusterAPI, Now: f.Now,
					Ctx: t.Context(), Name: "h7-nightly", Output: cmdutil.OutputTable})
				if err == nil || !strings.Contains(err.Error(), "unhealthy") {
					t.Fatalf("an unhealthy cluster should fail the command, got %v", err)
				}
				out := clitest.Out(ios)
				clitest.Golden(t, name, out)
				plain := ansiRE.ReplaceAllString(out, "")
				if !color && plain != out {
					t.Errorf("escapes with colour off:\n%q", out)
				}
				for _, l := range strings.Split(plain, "\n") {
					// Only an unbreakable word (the URL) may be longer than
					// the terminal, on a line of its own.
					if w := twwidth.Width(l); w > width && len(strings.Fields(l)) > 2 {
						t.Errorf("line of %d cells on a %d-column terminal: %q", w, width, l)
					}
					if strings.HasSuffix(l, " ") {
						t.Errorf("line ends in blanks: %q", l)
					}
				}
				// Wrapped, not cut: every word of the diagnostics is there.
				words := strings.Join(strings.Fields(plain), " ")
				for _, want := range []string{b.Clusters["h7-nightly"].Diagnostics, "unhealthy: node 1 missed 6 heartbeats"} {
					if !strings.Contains(words, want) {
						t.Errorf("value lost in the panel: %q\n%s", want, plain)
					}
				}
			})
		}
	}
}
