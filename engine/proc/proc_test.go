package proc_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
)

// testCloud is a cloud of n nodes inside the test process.
type testCloud struct {
	client  *api.Client
	cancels []context.CancelFunc
}

func startCloud(t *testing.T, n int, rangeSize int) *testCloud {
	t.Helper()
	c := proctest.Start(t, n, rangeSize)
	return &testCloud{client: c.Client, cancels: c.Cancels}
}

// writeCSV writes rows of: x numeric (some NA), c categorical, y numeric with
// decimals, s with quoted commas and the odd quoted line break.
func writeCSV(t *testing.T, path string, rows int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("x,c,y,note\n")
	for i := 0; i < rows; i++ {
		if rng.IntN(20) == 0 {
			b.WriteString("NA")
		} else {
			b.WriteString(strconv.Itoa(rng.IntN(1000) - 300))
		}
		fmt.Fprintf(&b, ",lvl%d,%.2f,", rng.IntN(37), rng.NormFloat64()*100)
		switch rng.IntN(50) {
		case 0:
			b.WriteString("\"a, b\"")
		case 1:
			b.WriteString("\"two\nlines\"")
		default:
			b.WriteString("n" + strconv.Itoa(rng.IntN(5)))
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func importWait(t *testing.T, c *api.Client, req api.ImportRequest) *api.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	j, err := c.ImportFrame(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	j, err = c.WaitJob(ctx, j.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestSummarySameOnAnyNodeCount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.csv")
	writeCSV(t, path, 20000, 7)
	var sums []*api.Summary
	for _, n := range []int{1, 3} {
		tc := startCloud(t, n, 64<<10) // small ranges: many chunks, chains across nodes
		importWait(t, tc.client, api.ImportRequest{Paths: []string{path}, Name: "d"})
		s, err := tc.client.Summary(context.Background(), "d")
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, s)
	}
	a, b := sums[0], sums[1]
	if a.Rows != 20000 || b.Rows != 20000 {
		t.Fatalf("rows: %d and %d, want 20000", a.Rows, b.Rows)
	}
	for i := range a.Columns {
		ca, cb := a.Columns[i], b.Columns[i]
		if fmt.Sprint(deref(ca.Mean), deref(ca.SD), deref(ca.Min), deref(ca.Max), ca.NACount, card(ca)) !=
			fmt.Sprint(deref(cb.Mean), deref(cb.SD), deref(cb.Min), deref(cb.Max), cb.NACount, card(cb)) {
			t.Errorf("column %s differs between 1 and 3 nodes:\n%+v\n%+v", ca.Name, ca, cb)
		}
		if math.Float64bits(deref(ca.Mean)) != math.Float64bits(deref(cb.Mean)) {
			t.Errorf("column %s mean not bit-identical", ca.Name)
		}
	}
	if got := card(a.Columns[1]); got != 37 {
		t.Errorf("cardinality of c = %d, want 37", got)
	}
	if a.Columns[0].NACount == 0 {
		t.Errorf("x should have NAs")
	}
}

func deref(p *api.Number) float64 {
	if p == nil {
		return math.NaN()
	}
	return float64(*p)
}

func card(c api.ColumnSummary) int64 {
	if c.Cardinality == nil {
		return -1
	}
	return *c.Cardinality
}

func TestLostNodeFailsJobAndMarksUnhealthy(t *testing.T) {
	tc := startCloud(t, 3, 64<<10)
	path := filepath.Join(t.TempDir(), "data.csv")
	writeCSV(t, path, 2000, 3)
	importWait(t, tc.client, api.ImportRequest{Paths: []string{path}, Name: "d"})
	tc.cancels[2]() // node 2 goes away
	start := time.Now()
	for {
		st, err := tc.client.Cloud(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !st.Healthy {
			if !strings.Contains(st.Problem, "node 2") {
				t.Errorf("problem %q does not name node 2", st.Problem)
			}
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("lost node not noticed within 5s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, err := tc.client.Summary(context.Background(), "d")
	if err == nil || !strings.Contains(err.Error(), "node 2") {
		t.Fatalf("summary on an unhealthy cloud: err = %v, want one naming node 2", err)
	}
}
