// Command score-bench times mlctl's scoring package on one model and one
// batch of rows, for bench/peers/score_bench.py: the Go side of the scoring
// benchmark (bench/peers/score.sh).
//
//	go run ./bench/cmd/score-bench -model model.txt -format lightgbm \
//	    -x rows.csv -threads 1,2 -reps 3 -single 10000 -pred-out p.f64
//
// The model is a LightGBM text model (scoring/lightgbm.Read), an XGBoost
// JSON model (scoring/xgboost.Read) or an mlctl artifact (.mlz). -x is a
// numeric CSV whose header names the model's features (any order, extra
// columns ignored); an empty field is missing. Categorical columns hold
// integer codes: for LightGBM and XGBoost models the code is the category
// itself, as those libraries read it; for an artifact, -levels names a JSON
// file {"column": ["level of code 0", "level of code 1", ...]} and each
// code is mapped onto the model's own domain (Schema.LevelMap), an unknown
// level becoming missing.
//
// The columns are built once, before anything is timed. A first
// PredictBatch call on one row builds the model's batch plan (timed as
// plan_seconds). Then, for each -threads value, one untimed warm-up call and
// -reps timed calls of (*GBM).PredictBatch (1) or scoring.PredictParallel (n).
// Then -single calls of (*GBM).Predict on one prepared row each, every call
// timed on its own, and the same rows through PredictBatch on one-row
// columns (single_batch). The result is one JSON object on stdout; -pred-out
// writes the batch's positive-class probabilities (or the prediction, for
// a regression) as little-endian float64s, for the caller to compare with
// other tools.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl/scoring"
	"github.com/mlctl/mlctl/scoring/lightgbm"
	"github.com/mlctl/mlctl/scoring/xgboost"
)

type batchResult struct {
	Workers      int       `json:"workers"`
	Seconds      []float64 `json:"seconds"` // the timed runs, in order
	BestSeconds  float64   `json:"best_seconds"`
	NsPerTreeRow float64   `json:"ns_per_tree_row"` // best / (rows × trees)
	NsPerRow     float64   `json:"ns_per_row"`
}

type singleResult struct {
	Calls  int     `json:"calls"`
	P50Ns  float64 `json:"p50_ns"`
	P99Ns  float64 `json:"p99_ns"`
	MeanNs float64 `json:"mean_ns"`
	MaxNs  float64 `json:"max_ns"`
	// MaxAbsDiffVsBatch is the largest |Predict - PredictBatch| over the
	// rows called; the library promises 0.
	MaxAbsDiffVsBatch float64 `json:"max_abs_diff_vs_batch"`
}

type result struct {
	Model       string   `json:"model"`
	Format      string   `json:"format"`
	GoVersion   string   `json:"go_version"`
	GOMAXPROCS  int      `json:"gomaxprocs"`
	Rows        int      `json:"rows"`
	Features    int      `json:"features"`
	Trees       int      `json:"trees"`
	MaxDepth    int      `json:"max_depth"`
	Output      string   `json:"output"` // the output column timed and written
	Categorical []string `json:"categorical_features"`
	// TreesWithCatSplits counts trees with at least one categorical split,
	// TreesWithOtherSplits those with another split that is not a plain
	// numeric one (missing-only, ...): such trees take slower paths than
	// plain numeric ones in the batch plan (scoring/compiled.go).
	TreesWithCatSplits   int           `json:"trees_with_cat_splits"`
	TreesWithOtherSplits int           `json:"trees_with_other_splits"`
	ReadCSVSeconds       float64       `json:"read_csv_seconds"`
	ImportSeconds        float64       `json:"import_seconds"`
	PlanSeconds          float64       `json:"plan_seconds"` // the first PredictBatch call, on one row
	Batch                []batchResult `json:"batch"`
	Single               *singleResult `json:"single,omitempty"`
	// SingleBatch times the same rows through PredictBatch on one-row
	// columns (the batch plan instead of Predict's node-by-node walk), for
	// comparison; not a row of the table.
	SingleBatch *singleResult  `json:"single_batch,omitempty"`
	Info        any            `json:"info,omitempty"`
	Notes       map[string]any `json:"notes,omitempty"`
}

func main() {
	modelPath := flag.String("model", "", "model file (required)")
	format := flag.String("format", "lightgbm", "model format: lightgbm, xgboost or mlz")
	xPath := flag.String("x", "", "numeric CSV of the rows to score (required)")
	levelsPath := flag.String("levels", "", "JSON of each categorical column's levels by code (for -format mlz)")
	threads := flag.String("threads", "1,2", "comma-separated worker counts: 1 times PredictBatch, n > 1 PredictParallel with n workers")
	reps := flag.Int("reps", 3, "timed runs per worker count (after one warm-up)")
	single := flag.Int("single", 10000, "single-row Predict calls to time one by one (0: none)")
	predOut := flag.String("pred-out", "", "write the batch predictions here as little-endian float64")
	flag.Parse()
	if *modelPath == "" || *xPath == "" || flag.NArg() != 0 || *reps < 1 || *single < 0 {
		flag.Usage()
		os.Exit(2)
	}
	var workers []int
	for _, s := range strings.Split(*threads, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "score-bench: bad -threads %q\n", *threads)
			os.Exit(2)
		}
		workers = append(workers, n)
	}
	res, preds, err := run(*modelPath, *format, *xPath, *levelsPath, workers, *reps, *single)
	if err == nil && *predOut != "" {
		err = writeFloats(*predOut, preds)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "score-bench:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "score-bench:", err)
		os.Exit(1)
	}
}

func run(modelPath, format, xPath, levelsPath string, workers []int, reps, single int) (*result, []float64, error) {
	res := &result{Model: modelPath, Format: format, GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	t0 := time.Now()
	m, info, err := load(modelPath, format)
	if err != nil {
		return nil, nil, err
	}
	res.ImportSeconds, res.Info = time.Since(t0).Seconds(), info
	s := m.ModelSchema()
	res.Features, res.Trees = len(s.Features), len(m.Trees)
	if s.Offset != "" {
		return nil, nil, fmt.Errorf("the model has an offset column (%s); this benchmark gives none", s.Offset)
	}
	for _, f := range s.Features {
		if f.Type == scoring.Categorical {
			res.Categorical = append(res.Categorical, f.Name)
		}
	}
	for i := range m.Trees {
		cat, other, depth := treeKinds(&m.Trees[i])
		res.TreesWithCatSplits += b2i(cat)
		res.TreesWithOtherSplits += b2i(other)
		res.MaxDepth = max(res.MaxDepth, depth)
	}

	var levels map[string][]string
	if levelsPath != "" {
		b, err := os.ReadFile(levelsPath)
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(b, &levels); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", levelsPath, err)
		}
	}
	t0 = time.Now()
	cols, err := readColumns(xPath, s, levels, format == "mlz")
	if err != nil {
		return nil, nil, err
	}
	res.ReadCSVSeconds = time.Since(t0).Seconds()
	n := len(cols[0])
	res.Rows = n
	if n == 0 {
		return nil, nil, errors.New(xPath + ": no rows")
	}

	outs := m.Outputs()
	oi := len(outs) - 1 // the positive class for a binary model; the value for a regression
	res.Output = outs[oi]
	out := make([][]float64, len(outs))
	for j := range out {
		out[j] = make([]float64, n)
	}
	one, oneOut := make([][]float64, len(cols)), make([][]float64, len(out))
	for j, c := range cols {
		one[j] = c[:1]
	}
	for j := range oneOut {
		oneOut[j] = make([]float64, 1)
	}
	t0 = time.Now()
	m.PredictBatch(one, oneOut) // builds and caches the plan
	res.PlanSeconds = time.Since(t0).Seconds()

	var preds []float64
	treeRows := float64(n) * float64(max(len(m.Trees), 1))
	first := true
	for _, w := range workers {
		call := func() {
			if w == 1 {
				m.PredictBatch(cols, out)
			} else {
				scoring.PredictParallel(m, cols, out, w)
			}
		}
		call() // warm-up
		if first {
			first = false
			preds = slices.Clone(out[oi])
		} else if d := maxAbsDiff(preds, out[oi]); d != 0 {
			return nil, nil, fmt.Errorf("%d workers disagree with the first run by %g", w, d)
		}
		br := batchResult{Workers: w}
		for r := 0; r < reps; r++ {
			runtime.GC() // no collection inside the timed call (it allocates next to nothing)
			t := time.Now()
			call()
			br.Seconds = append(br.Seconds, time.Since(t).Seconds())
		}
		br.BestSeconds = slices.Min(br.Seconds)
		br.NsPerTreeRow = br.BestSeconds * 1e9 / treeRows
		br.NsPerRow = br.BestSeconds * 1e9 / float64(n)
		res.Batch = append(res.Batch, br)
	}

	if single > 0 {
		res.Single = timeSingle(m, cols, preds, oi, min(single, n))
		res.SingleBatch = timeSingleBatch(m, cols, preds, oi, min(single, n))
	}
	return res, preds, nil
}

// timeSingle times Predict on rows 0..calls-1, one call at a time. The rows
// are built before timing, as a caller holding one record would hold it.
func timeSingle(m *scoring.GBM, cols [][]float64, batch []float64, oi, calls int) *singleResult {
	rows := make([][]float64, calls)
	for r := range rows {
		rows[r] = make([]float64, len(cols))
		for j, c := range cols {
			rows[r][j] = c[r]
		}
	}
	out := make([]float64, len(m.Outputs()))
	for r := 0; r < min(calls, 1000); r++ { // warm-up
		m.Predict(rows[r], out)
	}
	ns := make([]float64, calls)
	sr := &singleResult{Calls: calls}
	for r, row := range rows {
		t := time.Now()
		m.Predict(row, out)
		ns[r] = float64(time.Since(t).Nanoseconds())
		sr.MaxAbsDiffVsBatch = max(sr.MaxAbsDiffVsBatch, math.Abs(out[oi]-batch[r]))
	}
	summarise(sr, ns)
	return sr
}

// timeSingleBatch times PredictBatch on one row at a time, the one-row
// column views made before timing.
func timeSingleBatch(m *scoring.GBM, cols [][]float64, batch []float64, oi, calls int) *singleResult {
	in := make([][][]float64, calls)
	for r := range in {
		in[r] = make([][]float64, len(cols))
		for j, c := range cols {
			in[r][j] = c[r : r+1 : r+1]
		}
	}
	out := make([][]float64, len(m.Outputs()))
	for j := range out {
		out[j] = make([]float64, 1)
	}
	for r := 0; r < min(calls, 1000); r++ { // warm-up
		m.PredictBatch(in[r], out)
	}
	ns := make([]float64, calls)
	sr := &singleResult{Calls: calls}
	for r, row := range in {
		t := time.Now()
		m.PredictBatch(row, out)
		ns[r] = float64(time.Since(t).Nanoseconds())
		sr.MaxAbsDiffVsBatch = max(sr.MaxAbsDiffVsBatch, math.Abs(out[oi][0]-batch[r]))
	}
	summarise(sr, ns)
	return sr
}

func summarise(sr *singleResult, ns []float64) {
	sum := 0.0
	for _, v := range ns {
		sum += v
	}
	slices.Sort(ns)
	sr.P50Ns = quantile(ns, 0.50)
	sr.P99Ns = quantile(ns, 0.99)
	sr.MeanNs = sum / float64(len(ns))
	sr.MaxNs = ns[len(ns)-1]
}

// quantile is the nearest-rank quantile of sorted values.
func quantile(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func load(path, format string) (*scoring.GBM, any, error) {
	if format == "mlz" {
		a, err := scoring.Open(path, scoring.ReadOptions{})
		if err != nil {
			return nil, nil, err
		}
		m, ok := a.Model.(*scoring.GBM)
		if !ok {
			return nil, nil, fmt.Errorf("%s holds a %s model, not a GBM", path, a.Model.Algo())
		}
		return m, a.Manifest, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	switch format {
	case "lightgbm":
		m, info, err := lightgbm.Read(f)
		return m, info, err
	case "xgboost":
		m, info, err := xgboost.Read(f)
		return m, info, err
	}
	return nil, nil, fmt.Errorf("unknown -format %q (lightgbm, xgboost or mlz)", format)
}

// treeKinds says whether t has a categorical split, another split that is
// not a plain numeric one (see the TreesWith fields), and its depth.
func treeKinds(t *scoring.Tree) (cat, other bool, depth int) {
	var walk func(i int32, d int)
	walk = func(i int32, d int) {
		if i < 0 || int(i) >= t.Nodes() || d > t.Nodes() {
			return
		}
		if t.Feature[i] < 0 {
			depth = max(depth, d)
			return
		}
		fl := t.Flags[i]
		cat = cat || fl&scoring.FlagCat != 0
		other = other || fl&^(scoring.FlagNALeft|scoring.FlagZeroNA|scoring.FlagCat) != 0
		walk(t.Left[i], d+1)
		walk(t.Right[i], d+1)
	}
	walk(0, 0)
	return cat, other, depth
}

// readColumns reads the numeric CSV into the model's input columns
// (Features order). For an artifact (remap), categorical codes are mapped
// through the column's levels onto the model's domain.
func readColumns(path string, s *scoring.Schema, levels map[string][]string, remap bool) ([][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	header, err := readLine(br)
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	names := strings.Split(strings.TrimSuffix(string(header), "\r"), ",")
	src := make([]int, len(s.Features)) // CSV field of each feature
	for j, ft := range s.Features {
		src[j] = slices.Index(names, ft.Name)
		if src[j] < 0 {
			return nil, fmt.Errorf("%s: no column %q (the model's feature %d)", path, ft.Name, j)
		}
	}
	maps := make([][]int32, len(s.Features))
	if remap {
		for j, ft := range s.Features {
			if ft.Type != scoring.Categorical {
				continue
			}
			lv, ok := levels[ft.Name]
			if !ok {
				return nil, fmt.Errorf("categorical feature %q: no levels for it in -levels", ft.Name)
			}
			maps[j] = s.LevelMap(j, lv)
		}
	}
	cols := make([][]float64, len(s.Features))
	fields := make([][]byte, 0, len(names))
	for line := 2; ; line++ {
		b, err := readLine(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		b = bytes.TrimSuffix(b, []byte("\r"))
		if len(b) == 0 {
			continue
		}
		fields = fields[:0]
		for {
			i := bytes.IndexByte(b, ',')
			if i < 0 {
				fields = append(fields, b)
				break
			}
			fields = append(fields, b[:i])
			b = b[i+1:]
		}
		if len(fields) != len(names) {
			return nil, fmt.Errorf("%s:%d: %d fields, the header has %d", path, line, len(fields), len(names))
		}
		for j, k := range src {
			v := math.NaN()
			if fb := fields[k]; len(fb) > 0 {
				if v, err = strconv.ParseFloat(string(fb), 64); err != nil {
					return nil, fmt.Errorf("%s:%d: column %s: %w", path, line, names[k], err)
				}
			}
			if mp := maps[j]; mp != nil && !math.IsNaN(v) {
				c := int(v)
				if float64(c) != v || c < 0 || c >= len(mp) || mp[c] < 0 {
					v = math.NaN()
				} else {
					v = float64(mp[c])
				}
			}
			cols[j] = append(cols[j], v)
		}
	}
	return cols, nil
}

// readLine returns the next line without its newline; io.EOF after the last.
func readLine(br *bufio.Reader) ([]byte, error) {
	b, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return nil, errors.New("line longer than 1 MiB")
	}
	if err == io.EOF && len(b) > 0 {
		return b, nil
	}
	return bytes.TrimSuffix(b, []byte("\n")), err
}

func writeFloats(path string, v []float64) error {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return os.WriteFile(path, b, 0o644)
}

func maxAbsDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
