package lightgbm

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
	files, _ := filepath.Glob(filepath.Join(testdata, "lgb_*.txt"))
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
	f.Add(model(nil, split1("1", "0.5", "6")))
	f.Add(model(map[string]string{"objective": "binary sigmoid:2", "average_output": ""}, split1("0", "-1e-36", "0")))
	f.Add(model(map[string]string{"feature_infos": "0:1:2 [-1:1]"}, "num_leaves=2\nnum_cat=1\nsplit_feature=0\nthreshold=0\n"+
		"decision_type=1\nleft_child=-1\nright_child=-2\nleaf_value=1 2\ncat_boundaries=0 1\ncat_threshold=5\nis_linear=0"))
	f.Fuzz(func(t *testing.T, text string) {
		m, info, err := Read(strings.NewReader(text))
		if err != nil {
			if m != nil || info != nil {
				t.Fatal("a model with an error")
			}
			return
		}
		fixture.CheckFuzzed(t, m)
		if len(m.Schema.Features) != len(info.FeatureNames) || len(m.Trees) != info.Trees {
			t.Fatalf("%d features and %d trees, info says %d and %d", len(m.Schema.Features), len(m.Trees), len(info.FeatureNames), info.Trees)
		}
	})
}
