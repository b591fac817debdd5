package xgboost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/scoring/internal/fixture"
)

// FuzzRead: Read never panics, and a model it returns passes
// scoring.Validate and scores rows of ordinary and missing values.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(testdata, "xgb_*.json"))
	if len(files) == 0 {
		f.Fatal("no fixtures in " + testdata + " (regenerate with scoring/testdata/importers/gen.sh)")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	cat := jtree{left: []int{1, -1, -1}, right: []int{2, -1, -1}, feature: []int{0, 0, 0}, cond: []float64{0, 1, 2},
		dleft: []int{1, 0, 0}, catNodes: []int{0}, cats: [][]int{{2, 5}}}
	f.Add(doc("binary:logistic", v32, "[5E-1]", 0, []string{"c", "q"}, []jtree{cat, stump(1, 0.5, 1)}, nil, nil))
	f.Add(doc("multi:softprob", v32, "[0E0,1E0]", 2, nil, []jtree{stump(0, 1, 0), stump(1, -1, 1)}, []int{0, 1}, nil))
	f.Fuzz(func(t *testing.T, text string) {
		m, info, err := Read(strings.NewReader(text))
		if err != nil {
			if m != nil || info != nil {
				t.Fatal("a model with an error")
			}
			return
		}
		fixture.CheckFuzzed(t, m)
		if len(m.Trees)%m.Classes() != 0 {
			t.Fatalf("%d trees for %d classes", len(m.Trees), m.Classes())
		}
	})
}
