package launcher

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/testcluster"
)

var mlctlBin string

// TestMain builds the real mlctl binary: the local backend's nodes are
// separate processes running it.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mlctl-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mlctlBin = filepath.Join(dir, "mlctl")
	build := exec.Command("go", "build", "-o", mlctlBin, "../cmd/mlctl")
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // static, as YARN containers run it
	out, err := build.CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building mlctl: %v\n%s", err, out)
		os.Exit(1)
	}
	code := testcluster.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

func newLocal(t *testing.T) *Local {
	t.Helper()
	home := t.TempDir()
	l := NewLocal(home, mlctlBin)
	t.Cleanup(func() {
		recs, _ := l.List(context.Background())
		for _, r := range recs {
			l.Delete(context.Background(), r.Name)
		}
	})
	return l
}

func launch(t *testing.T, l *Local, name string, nodes int) *Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	rec, err := l.Launch(ctx, Spec{Name: name, Nodes: nodes, MemoryBytes: 1 << 30}, true, nil)
	if err != nil {
		out := &strings.Builder{}
		l.Logs(context.Background(), name, -1, out)
		t.Fatalf("launch %s: %v\nlogs:\n%s", name, err, out)
	}
	t.Logf("%d-node cloud formed in %s", nodes, time.Since(start))
	return rec
}

// writeBig writes a CSV of rows with numeric, categorical and NA values.
func writeBig(t *testing.T, path string, rows int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rng := rand.New(rand.NewPCG(42, 42))
	buf := []byte("id,amount,grade,city,flag\n")
	for i := 0; i < rows; i++ {
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, ',')
		if rng.IntN(25) == 0 {
			buf = append(buf, "NA"...)
		} else {
			buf = strconv.AppendFloat(buf, math.Round(rng.NormFloat64()*5000)/100, 'f', -1, 64)
		}
		buf = append(buf, ',')
		buf = append(buf, "ABCDEFG"[rng.IntN(7)])
		buf = append(buf, ",city"...)
		buf = strconv.AppendInt(buf, int64(rng.IntN(300)), 10)
		buf = append(buf, ',')
		if rng.IntN(50) != 0 {
			buf = strconv.AppendInt(buf, int64(rng.IntN(2)), 10)
		}
		buf = append(buf, '\n')
		if len(buf) > 1<<20 {
			f.Write(buf)
			buf = buf[:0]
		}
	}
	if _, err := f.Write(buf); err != nil {
		t.Fatal(err)
	}
}

func summarize(t *testing.T, l *Local, name, path string) *api.Summary {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := l.Client(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	j, err := c.ImportFrame(ctx, api.ImportRequest{Paths: []string{path}, Name: "train"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitJob(ctx, j.ID, nil); err != nil {
		t.Fatal(err)
	}
	s, err := c.Summary(ctx, "train")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestThreeNodeSummaryEqualsSingleProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-process test")
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	writeBig(t, path, 1_000_000)
	l := newLocal(t)
	launch(t, l, "three", 3)
	launch(t, l, "one", 1)
	three := summarize(t, l, "three", path)
	one := summarize(t, l, "one", path)
	if three.Rows != 1_000_000 {
		t.Fatalf("rows = %d", three.Rows)
	}
	for i := range three.Columns {
		a, b := three.Columns[i], one.Columns[i]
		for _, pair := range [][2]*api.Number{{a.Min, b.Min}, {a.Max, b.Max}, {a.Mean, b.Mean}, {a.SD, b.SD}} {
			if (pair[0] == nil) != (pair[1] == nil) || (pair[0] != nil && math.Float64bits(float64(*pair[0])) != math.Float64bits(float64(*pair[1]))) {
				t.Errorf("column %s: 3 nodes %+v, 1 node %+v", a.Name, a, b)
			}
		}
		if a.NACount != b.NACount || a.Type != b.Type {
			t.Errorf("column %s: 3 nodes %+v, 1 node %+v", a.Name, a, b)
		}
	}
	byName := map[string]api.ColumnSummary{}
	for _, c := range three.Columns {
		byName[c.Name] = c
	}
	if c := byName["grade"]; c.Type != "categorical" || c.Cardinality == nil || *c.Cardinality != 7 {
		t.Errorf("grade: %+v", c)
	}
	if c := byName["city"]; c.Cardinality == nil || *c.Cardinality != 300 {
		t.Errorf("city: %+v", c)
	}
	if c := byName["id"]; c.Min == nil || *c.Min != 0 || *c.Max != 999_999 || *c.Mean != 499_999.5 {
		t.Errorf("id: %+v", c)
	}
	if c := byName["amount"]; c.NACount < 30_000 || c.NACount > 50_000 {
		t.Errorf("amount NA count %d, want about 40000", c.NACount)
	}
	if c := byName["flag"]; c.NACount < 15_000 || c.NACount > 25_000 {
		t.Errorf("flag NA count %d, want about 20000", c.NACount)
	}
}

func TestKilledNodeFailsRunningJob(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-process test")
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	writeBig(t, path, 1_500_000)
	l := newLocal(t)
	rec := launch(t, l, "victim", 3)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := l.Client(ctx, "victim")
	if err != nil {
		t.Fatal(err)
	}
	j, err := c.ImportFrame(ctx, api.ImportRequest{Paths: []string{path}, Name: "train"})
	if err != nil {
		t.Fatal(err)
	}
	syscall.Kill(rec.PIDs[2], syscall.SIGKILL)
	killed := time.Now()
	_, err = c.WaitJob(ctx, j.ID, nil)
	if err == nil {
		t.Fatal("import went on after a node was killed")
	}
	if took := time.Since(killed); took > 5*time.Second {
		t.Errorf("job failed %s after the kill, want within 5s", took)
	}
	if !strings.Contains(err.Error(), "node 2") {
		t.Errorf("error %q does not name node 2", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := c.Cloud(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Healthy {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("cloud still healthy 5s after a node was killed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestLifecycleAndErrors(t *testing.T) {
	l := newLocal(t)
	rec := launch(t, l, "life", 2)
	st, err := os.Stat(filepath.Join(rec.Dir, recordFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("record mode: %v %v", st.Mode(), err)
	}
	_, err = l.Launch(context.Background(), Spec{Name: "life", Nodes: 1}, true, nil)
	if !errors.Is(err, ErrExists) || errs.Code(err) != errs.Error {
		t.Fatalf("second launch: %v (code %d)", err, errs.Code(err))
	}
	if _, err := l.Get(context.Background(), "nosuch"); errs.Code(err) != errs.NotFound || !strings.Contains(err.Error(), "nosuch") {
		t.Fatalf("unknown cluster: %v (code %d)", err, errs.Code(err))
	}
	if err := l.Stop(context.Background(), "life"); err != nil {
		t.Fatal(err)
	}
	for _, pid := range rec.PIDs {
		if ours(pid, rec.Dir) {
			t.Errorf("node pid %d still running after stop", pid)
		}
	}
	got, err := l.Get(context.Background(), "life")
	if err != nil || got.State != StateStopped {
		t.Fatalf("after stop: %+v %v", got, err)
	}
	if err := l.Delete(context.Background(), "life"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rec.Dir); !os.IsNotExist(err) {
		t.Fatalf("cluster dir left after delete: %v", err)
	}
}
