package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlctl/mlctl/bench/gen"
	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/launcher"
)

var mlctlBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mlctl-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mlctlBin = filepath.Join(dir, "mlctl")
	if out, err := exec.Command("go", "build", "-o", mlctlBin, "../cmd/mlctl").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building mlctl: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// airlineFile returns a generated airline-like CSV of rows rows, made once per
// machine in the temp directory (10M rows is about 0.4 GB).
func airlineFile(b *testing.B, rows int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("mlctl-airline-%d.csv", rows))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	if err := gen.Airline(f, rows, 1); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

func launch(b *testing.B, l *launcher.Local, name string, nodes int) *api.Client {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := l.Launch(ctx, launcher.Spec{Name: name, Nodes: nodes}, true, nil); err != nil {
		b.Fatal(err)
	}
	c, err := l.Client(ctx, name)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkCloudFormation3 times `cluster launch --nodes 3 --wait` (process
// start, certificates, rendezvous, leader election) plus the stop.
func BenchmarkCloudFormation3(b *testing.B) {
	l := launcher.NewLocal(b.TempDir(), mlctlBin)
	var formed time.Duration
	for i := 0; i < b.N; i++ {
		name := fmt.Sprintf("form%d", i)
		start := time.Now()
		launch(b, l, name, 3)
		formed += time.Since(start)
		b.StopTimer()
		l.Delete(context.Background(), name)
		b.StartTimer()
	}
	b.ReportMetric(float64(formed.Milliseconds())/float64(b.N), "ms/formation")
}

// BenchmarkImportAirline imports the airline-like CSV into a one-node cluster
// whose process may use 1 or 2 cores, and reports parse throughput and the
// frame's in-memory size relative to the CSV.
func BenchmarkImportAirline(b *testing.B) {
	for _, rows := range []int{1_000_000, 10_000_000} {
		for _, procs := range []int{1, 2} {
			b.Run(fmt.Sprintf("rows=%d/cores=%d", rows, procs), func(b *testing.B) {
				path := airlineFile(b, rows)
				st, _ := os.Stat(path)
				b.Setenv("GOMAXPROCS", fmt.Sprint(procs))
				l := launcher.NewLocal(b.TempDir(), mlctlBin)
				c := launch(b, l, "imp", 1)
				defer l.Delete(context.Background(), "imp")
				b.SetBytes(st.Size())
				var mem int64
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					ctx := context.Background()
					j, err := c.ImportFrame(ctx, api.ImportRequest{Paths: []string{path}, Name: "air", Replace: true})
					if err != nil {
						b.Fatal(err)
					}
					if _, err := c.WaitJob(ctx, j.ID, nil); err != nil {
						b.Fatal(err)
					}
					fi, err := c.Frame(ctx, "air")
					if err != nil {
						b.Fatal(err)
					}
					mem = fi.MemBytes
				}
				b.ReportMetric(float64(mem)/float64(st.Size()), "mem/csv")
			})
		}
	}
}
