package proc_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlctl/mlctl/bench/gen"
	"github.com/mlctl/mlctl/engine/api"
)

// BenchmarkImportInProcess imports 1M airline-like rows into an in-process
// one-node cloud: the whole import path without process or network noise.
func BenchmarkImportInProcess(b *testing.B) {
	path := filepath.Join(b.TempDir(), "air.csv")
	f, _ := os.Create(path)
	gen.Airline(f, 1_000_000, 1)
	f.Close()
	st, _ := os.Stat(path)
	tc := startCloud(&testing.T{}, 1, 0)
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j, err := tc.client.ImportFrame(context.Background(), api.ImportRequest{Paths: []string{path}, Name: "air", Replace: true})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tc.client.WaitJob(context.Background(), j.ID, nil); err != nil {
			b.Fatal(err)
		}
	}
}
