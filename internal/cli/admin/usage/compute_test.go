package usage

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/audit"
)

// testdata/audit.log is a fixed log: alice runs a 2-node 1 GiB cluster for
// 3 h and a 4-node 2 GiB one that an admin reaps after 30 m; bob is denied
// twice and runs one node of 512 MiB that YARN ends at its 2 h lifetime;
// carol's cluster ran before the window; dave's is still running.
func TestComputeFromFixedLog(t *testing.T) {
	recs, err := audit.ReadFile(filepath.Join("testdata", "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	rows := Compute(recs, now.Add(-7*24*time.Hour), now)
	want := []Row{
		{User: "alice", Clusters: 2, NodeHours: 2*3 + 4*0.5, GiBHours: 2*3*1 + 4*0.5*2},
		{User: "bob", Clusters: 1, NodeHours: 2, GiBHours: 1, Denials: 2},
		{User: "dave", Clusters: 1, NodeHours: 3 * 2, GiBHours: 3 * 2 * 4},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d: got %+v, want %+v", i, rows[i], want[i])
		}
	}
}

// Only the part of a run inside the window counts, and a cluster launched
// again under the same name ended before the new launch.
func TestComputeWindowAndRelaunch(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := []audit.Record{
		{Time: t0, User: "a", Action: audit.ActionLaunch, Cluster: "x", Backend: "local", Nodes: 1, MemoryBytes: 1 << 30, Outcome: audit.OutcomeOK},
		{Time: t0.Add(10 * time.Hour), User: "a", Action: audit.ActionLaunch, Cluster: "x", Backend: "local", Nodes: 2, MemoryBytes: 1 << 30, Outcome: audit.OutcomeOK},
		{Time: t0.Add(12 * time.Hour), User: "a", Action: audit.ActionStop, Cluster: "x", Backend: "local", Outcome: audit.OutcomeOK},
		{Time: t0.Add(13 * time.Hour), User: "a", Action: audit.ActionLaunch, Cluster: "y", Backend: "local", Nodes: 1, Outcome: audit.OutcomeFailed},
	}
	rows := Compute(recs, t0.Add(8*time.Hour), t0.Add(20*time.Hour))
	// x: 2 h of the first run (8..10) at 1 node + 2 h at 2 nodes; the
	// failed launch of y counts nothing.
	if len(rows) != 1 || rows[0].Clusters != 2 || rows[0].NodeHours != 6 || rows[0].GiBHours != 6 {
		t.Fatalf("%+v", rows)
	}
}
