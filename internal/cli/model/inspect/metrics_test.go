package inspect

import (
	"encoding/json"
	"testing"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/iostreams"
)

var metrics = json.RawMessage(`{"train": {"auc": 0.812345678, "logloss": 0.45, "confusion": [[1, 2]]},
	"valid": {"auc": 0.79}}`)

func TestPrintMetricsPiped(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	if err := printMetrics(ios, metrics); err != nil {
		t.Fatal(err)
	}
	want := "\nMetrics (train)\n  auc\t0.812346\n  logloss\t0.45\n\nMetrics (valid)\n  auc\t0.79\n"
	if got := clitest.Out(ios); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestPrintMetricsTerminal(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	if err := printMetrics(ios, metrics); err != nil {
		t.Fatal(err)
	}
	// Aligned in columns (no tab left for the terminal), indented under the title.
	want := "\nMetrics (train)\n  auc      0.812346\n  logloss  0.45\n\nMetrics (valid)\n  auc  0.79\n"
	if got := clitest.Out(ios); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
