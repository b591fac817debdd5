package shared

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
)

// Number formats a metric or coefficient: 6 significant digits on a
// terminal, exact when piped; whole numbers (nobs) without exponent.
func Number(ios *iostreams.IOStreams, v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	if ios.IsStdoutTTY() {
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// TrainingTime formats a training time in milliseconds: "12.3s" or "2m5s"
// on a terminal, an exact Go duration ("12.345s") when piped.
func TrainingTime(ios *iostreams.IOStreams, ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	if !ios.IsStdoutTTY() {
		return d.String()
	}
	if d < time.Minute {
		return d.Round(100 * time.Millisecond).String()
	}
	return cmdutil.Duration(ios, d)
}

// PrintModels prints MODEL ID ALGO TARGET FRAME METRIC VALUE TIME CREATED,
// or the models as a JSON/YAML list (never null).
func PrintModels(ios *iostreams.IOStreams, format cmdutil.OutputFormat, models []api.ModelInfo, now time.Time) error {
	if format.IsData() {
		if models == nil {
			models = []api.ModelInfo{}
		}
		return cmdutil.WriteData(ios.Out, format, models)
	}
	cs := ios.ColorScheme()
	tp := cmdutil.NewTablePrinter(ios)
	tp.Header("MODEL ID", "ALGO", "TARGET", "FRAME", "METRIC", "VALUE", "TIME", "CREATED")
	for _, m := range models {
		tp.AddField(m.ModelID, cs.Cyan)
		tp.AddField(m.Algo, nil)
		tp.AddField(m.Target, nil)
		tp.AddField(m.Frame, nil)
		tp.AddField(m.Metric, nil)
		value := ""
		if m.Metric != "" {
			value = Number(ios, m.Value)
		}
		tp.AddField(value, nil)
		tp.AddField(TrainingTime(ios, m.TrainingTimeMS), nil)
		tp.AddField(cmdutil.Time(ios, m.Created, now), cs.Dim)
		tp.EndRow()
	}
	return tp.Render()
}

// TopVarImp is how many variable importances the summary shows.
const TopVarImp = 10

// On a terminal, a GLM with more than maxCoefficients coefficients (many
// categorical levels) shows only the shownCoefficients largest; piped, the
// summary shows them all.
const (
	maxCoefficients   = 30
	shownCoefficients = 20
)

// PrintModel prints a model: for --output json|yaml the api.Model as it
// is, otherwise a short summary for people (what was trained, the scalar
// metrics, the top variable importances and a GLM's coefficients), with
// the model's warnings on stderr.
func PrintModel(ios *iostreams.IOStreams, format cmdutil.OutputFormat, m *api.Model, now time.Time) error {
	if format.IsData() {
		return cmdutil.WriteData(ios.Out, format, m)
	}
	for _, w := range m.Warnings {
		fmt.Fprintf(ios.ErrOut, "warning: %s\n", w)
	}
	if err := cmdutil.KeyValues(ios, header(ios, m, now)); err != nil {
		return err
	}
	var b strings.Builder
	cs := ios.ColorScheme()
	for _, sec := range []struct {
		title string
		m     map[string]any
	}{
		{"Metrics on the training frame", m.Metrics.Train},
		{"Metrics on the validation frame", m.Metrics.Valid},
		{"Cross-validation metrics (mean over folds)", m.Metrics.CV},
	} {
		lines := metricLines(ios, sec.m)
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", cs.Bold(sec.title))
		for _, l := range lines {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	if _, err := fmt.Fprint(ios.Out, b.String()); err != nil {
		return err
	}
	if err := printVarImp(ios, m.VariableImportance); err != nil {
		return err
	}
	return printCoefficients(ios, m)
}

func header(ios *iostreams.IOStreams, m *api.Model, now time.Time) [][2]string {
	algo := m.Algo
	if m.Kind != "" {
		algo += " (" + m.Kind
		if len(m.Classes) > 0 {
			algo += ": " + strings.Join(m.Classes, ", ")
		}
		algo += ")"
	}
	pairs := [][2]string{
		{"model", ios.ColorScheme().Cyan(m.ModelID)},
		{"algo", algo},
		{"target", m.Target},
		{"frame", m.Frame},
	}
	if m.Valid != "" {
		pairs = append(pairs, [2]string{"valid", m.Valid})
	}
	if m.Rows > 0 {
		pairs = append(pairs, [2]string{"rows", strconv.FormatInt(m.Rows, 10)})
	}
	if len(m.Features) > 0 {
		pairs = append(pairs, [2]string{"features", strconv.Itoa(len(m.Features))})
	}
	if m.Iterations > 0 {
		name := "iterations"
		if m.Algo == "gbm" {
			name = "trees"
		}
		pairs = append(pairs, [2]string{name, strconv.Itoa(m.Iterations)})
	}
	if m.Lambda != nil {
		pairs = append(pairs, [2]string{"lambda", Number(ios, *m.Lambda)})
	}
	if len(m.CVFolds) > 0 {
		pairs = append(pairs, [2]string{"cv folds", strconv.Itoa(len(m.CVFolds))})
	}
	pairs = append(pairs, [2]string{"training time", TrainingTime(ios, m.TrainingTimeMS)})
	if !m.Created.IsZero() {
		pairs = append(pairs, [2]string{"created", cmdutil.Time(ios, m.Created, now)})
	}
	return pairs
}

// metricOrder puts the headline metrics first; the rest follow by name.
var metricOrder = []string{"auc", "aucpr", "logloss", "error", "f1", "f1_threshold", "rmse", "mae", "r2",
	"deviance", "mean_residual_deviance", "null_deviance", "aic", "dispersion", "nobs"}

// metricLines renders the scalar metrics as "name = value"; tables such as
// the confusion matrix are left to --output json.
func metricLines(ios *iostreams.IOStreams, ms map[string]any) []string {
	rank := func(name string) int {
		for i, n := range metricOrder {
			if n == name {
				return i
			}
		}
		return len(metricOrder)
	}
	var names []string
	for name, v := range ms {
		if _, ok := scalar(v); ok {
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := rank(names[i]), rank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	lines := make([]string, len(names))
	for i, name := range names {
		v, _ := scalar(ms[name])
		lines[i] = name + " = " + Number(ios, v)
	}
	return lines
}

func scalar(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func printVarImp(ios *iostreams.IOStreams, vi []api.VarImp) error {
	if len(vi) == 0 {
		return nil
	}
	vi = append([]api.VarImp(nil), vi...)
	sort.SliceStable(vi, func(i, j int) bool { return vi[i].Relative > vi[j].Relative })
	title := "Variable importance"
	if len(vi) > TopVarImp {
		title = fmt.Sprintf("Variable importance (top %d of %d)", TopVarImp, len(vi))
		vi = vi[:TopVarImp]
	}
	fmt.Fprintf(ios.Out, "\n%s\n", ios.ColorScheme().Bold(title))
	tty := ios.IsStdoutTTY()
	tp := cmdutil.NewTablePrinter(ios)
	tp.Header("FEATURE", "RELATIVE", "SHARE")
	for _, v := range vi {
		tp.AddField(v.Feature, nil)
		if tty {
			tp.AddField(strconv.FormatFloat(v.Relative, 'f', 3, 64), nil)
			tp.AddField(strconv.FormatFloat(v.Percentage*100, 'f', 1, 64)+"%", nil)
		} else {
			tp.AddField(strconv.FormatFloat(v.Relative, 'g', -1, 64), nil)
			tp.AddField(strconv.FormatFloat(v.Percentage, 'g', -1, 64), nil)
		}
		tp.EndRow()
	}
	return tp.Render()
}

func printCoefficients(ios *iostreams.IOStreams, m *api.Model) error {
	if len(m.Coefficients) == 0 {
		return nil
	}
	names := make([]string, 0, len(m.Coefficients))
	for n := range m.Coefficients {
		names = append(names, n)
	}
	// The intercept first, then the largest effects: standardized
	// coefficients compare across features, raw ones do not.
	size := func(n string) float64 {
		if s, ok := m.StdCoefficients[n]; ok {
			return math.Abs(s)
		}
		return math.Abs(m.Coefficients[n])
	}
	isIntercept := func(n string) bool { return strings.EqualFold(n, "intercept") }
	sort.Slice(names, func(i, j int) bool {
		a, b := names[i], names[j]
		if isIntercept(a) != isIntercept(b) {
			return isIntercept(a)
		}
		if sa, sb := size(a), size(b); sa != sb {
			return sa > sb
		}
		return a < b
	})
	title, more := "Coefficients", 0
	if ios.IsStdoutTTY() && len(names) > maxCoefficients {
		more = len(names) - shownCoefficients
		names = names[:shownCoefficients]
		title = fmt.Sprintf("Coefficients (the %d largest of %d)", len(names), len(names)+more)
	}
	fmt.Fprintf(ios.Out, "\n%s\n", ios.ColorScheme().Bold(title))
	cols := []struct {
		title string
		vals  map[string]float64
	}{
		{"COEFFICIENT", m.Coefficients},
		{"STD COEFFICIENT", m.StdCoefficients},
		{"STD ERROR", m.StdErrors},
		{"Z VALUE", m.ZValues},
		{"P VALUE", m.PValues},
	}
	header := []string{"NAME"}
	var shown []map[string]float64
	for _, c := range cols {
		if len(c.vals) > 0 {
			header = append(header, c.title)
			shown = append(shown, c.vals)
		}
	}
	tp := cmdutil.NewTablePrinter(ios)
	tp.Header(header...)
	for _, n := range names {
		tp.AddField(n, nil)
		for _, vals := range shown {
			cell := ""
			if v, ok := vals[n]; ok {
				cell = Number(ios, v)
			}
			tp.AddField(cell, nil)
		}
		tp.EndRow()
	}
	if err := tp.Render(); err != nil {
		return err
	}
	if more > 0 {
		_, err := fmt.Fprintf(ios.Out, "... and %d more; see them all with --output json\n", more)
		return err
	}
	return nil
}
