package shared

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
)

func TestPrintModelGBM(t *testing.T) {
	tests := []struct {
		tty  bool
		want []string
	}{
		{true, []string{
			"model          gbm-1\nalgo           gbm (binomial: 0, 1)\ntarget         IsDelayed\n",
			"trees          200\ntraining time  12.3s\ncreated        5 minutes ago\n",
			"\nMetrics on the training frame\n  auc = 0.812346\n  logloss = 0.41\n  nobs = 4000\n",
			"\nMetrics on the validation frame\n  auc = 0.74\n  logloss = 0.52\n  nobs = 1000\n",
			"\nVariable importance\nFEATURE   RELATIVE  SHARE\nDepTime   1.000     50.0%\nOrigin    0.500     25.0%\n",
		}},
		{false, []string{
			"model\tgbm-1\nalgo\tgbm (binomial: 0, 1)\ntarget\tIsDelayed\nframe\ttrain_0\nvalid\ttrain_1\n",
			"training time\t12.345s\ncreated\t2025-06-01T11:55:00Z\n",
			"  auc = 0.8123456789\n",
			"FEATURE\tRELATIVE\tSHARE\nDepTime\t1\t0.5\nOrigin\t0.5\t0.25\nDistance\t0.5\t0.25\n",
		}},
	}
	for _, tt := range tests {
		ios, _, out, _ := iostreams.Test()
		ios.SetStdoutTTY(tt.tty)
		if err := PrintModel(ios, cmdutil.OutputTable, clitest.GBMModel(), clitest.Now); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("tty=%v: output lacks\n%q\n---\n%s", tt.tty, w, got)
			}
		}
		for _, not := range []string{"confusion_matrix", "Coefficients", "Cross-validation"} {
			if strings.Contains(got, not) {
				t.Errorf("tty=%v: output has %q:\n%s", tt.tty, not, got)
			}
		}
	}
}

func TestPrintModelTopTenVarImp(t *testing.T) {
	m := clitest.GBMModel()
	m.VariableImportance = nil
	for i := range 15 {
		m.VariableImportance = append(m.VariableImportance, api.VarImp{Feature: fmt.Sprintf("f%02d", i), Relative: float64(i) / 14})
	}
	ios, _, out, _ := iostreams.Test()
	if err := PrintModel(ios, cmdutil.OutputTable, m, clitest.Now); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "Variable importance (top 10 of 15)\nFEATURE\tRELATIVE\tSHARE\nf14\t1\t") ||
		!strings.Contains(got, "\nf05\t") || strings.Contains(got, "\nf04\t") {
		t.Errorf("top 10, largest first:\n%s", got)
	}
}

func TestPrintModelGLMCoefficients(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	if err := PrintModel(ios, cmdutil.OutputTable, clitest.GLMModel(), clitest.Now); err != nil {
		t.Fatal(err)
	}
	want := "\nCoefficients\n" +
		"NAME       COEFFICIENT  STD COEFFICIENT  STD ERROR  Z VALUE  P VALUE\n" +
		"Intercept  -1.5         -0.9             0.1        -15      0\n" +
		"DepTime    0.001        0.45             0.0001     10       0\n" +
		"Distance   -0.0002      -0.1             0.0001     -2       0.0455\n"
	if got := out.String(); !strings.HasSuffix(got, want) || !strings.Contains(got, "iterations     5\nlambda         0\n") ||
		!strings.Contains(got, "  auc = 0.7\n  null_deviance = 5500.25\n  aic = 5000.5\n") {
		t.Errorf("glm:\n%s\nwant suffix\n%s", got, want)
	}

	// Without standard errors the table has only the coefficients; a GLM
	// with many levels shows the largest on a terminal, all when piped.
	m := clitest.GLMModel()
	m.StdErrors, m.ZValues, m.PValues = nil, nil, nil
	for i := range 40 {
		n := fmt.Sprintf("Origin.%02d", i)
		m.Coefficients[n], m.StdCoefficients[n] = float64(i), float64(i)/100
	}
	for _, tty := range []bool{true, false} {
		ios, _, out, _ := iostreams.Test()
		ios.SetStdoutTTY(tty)
		if err := PrintModel(ios, cmdutil.OutputTable, m, clitest.Now); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		if tty {
			if !strings.Contains(got, "Coefficients (the 20 largest of 43)\nNAME       COEFFICIENT  STD COEFFICIENT\nIntercept  -1.5         -0.9\n") ||
				!strings.HasSuffix(got, "... and 23 more; see them all with --output json\n") {
				t.Errorf("tty, many coefficients:\n%s", got)
			}
		} else if strings.Count(got, "Origin.") != 40 || !strings.Contains(got, "NAME\tCOEFFICIENT\tSTD COEFFICIENT\nIntercept\t-1.5\t-0.9\nDepTime\t") {
			t.Errorf("piped, many coefficients:\n%s", got)
		}
	}
}

func TestPrintModelJSONShape(t *testing.T) {
	m := clitest.GBMModel()
	m.Metrics.CV = map[string]any{"auc": 0.73}
	ios, _, out, _ := iostreams.Test()
	if err := PrintModel(ios, cmdutil.OutputJSON, m, clitest.Now); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"model_id", "algo", "target", "params", "metrics", "training_time_ms", "variable_importance"} {
		if _, ok := got[k]; !ok {
			t.Errorf("json lacks %q:\n%s", k, out.String())
		}
	}
	metrics := got["metrics"].(map[string]any)
	for _, k := range []string{"train", "valid", "cv"} {
		if _, ok := metrics[k].(map[string]any); !ok {
			t.Errorf("metrics.%s is %T", k, metrics[k])
		}
	}
	if got["training_time_ms"] != 12345.0 || metrics["valid"].(map[string]any)["auc"] != 0.74 {
		t.Errorf("values: %v %v", got["training_time_ms"], metrics["valid"])
	}
	vi := got["variable_importance"].([]any)[0].(map[string]any)
	for _, k := range []string{"feature", "importance", "relative", "percentage"} {
		if _, ok := vi[k]; !ok {
			t.Errorf("variable_importance[0] lacks %q", k)
		}
	}
}

func TestPrintModels(t *testing.T) {
	models := []api.ModelInfo{
		{ModelID: "gbm-1", Algo: "gbm", Target: "IsDelayed", Frame: "train_0", Metric: "auc", Value: 0.7412345, TrainingTimeMS: 12345, Created: clitest.Now.Add(-5 * 60e9)},
		{ModelID: "glm-2", Algo: "glm", Target: "Claims", Frame: "claims", TrainingTimeMS: 90500, Created: clitest.Now.Add(-60e9)},
	}
	tests := []struct {
		tty    bool
		format cmdutil.OutputFormat
		want   string
	}{
		{true, cmdutil.OutputTable, "" +
			"MODEL ID  ALGO  TARGET     FRAME    METRIC  VALUE     TIME   CREATED\n" +
			"gbm-1     gbm   IsDelayed  train_0  auc     0.741235  12.3s  5 minutes ago\n" +
			"glm-2     glm   Claims     claims                     1m30s  1 minute ago\n"},
		{false, cmdutil.OutputTable, "" +
			"MODEL ID\tALGO\tTARGET\tFRAME\tMETRIC\tVALUE\tTIME\tCREATED\n" +
			"gbm-1\tgbm\tIsDelayed\ttrain_0\tauc\t0.7412345\t12.345s\t2025-06-01T11:55:00Z\n" +
			"glm-2\tglm\tClaims\tclaims\t\t\t1m30.5s\t2025-06-01T11:59:00Z\n"},
		{false, cmdutil.OutputYAML, "- model_id: gbm-1\n  algo: gbm\n"},
	}
	for _, tt := range tests {
		ios, _, out, _ := iostreams.Test()
		ios.SetStdoutTTY(tt.tty)
		if err := PrintModels(ios, tt.format, models, clitest.Now); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("tty=%v %s:\n%q\nwant prefix\n%q", tt.tty, tt.format, got, tt.want)
		}
	}
	ios, _, out, _ := iostreams.Test()
	if err := PrintModels(ios, cmdutil.OutputJSON, nil, clitest.Now); err != nil || out.String() != "[]\n" {
		t.Errorf("no models as json: %q %v", out.String(), err)
	}
}
