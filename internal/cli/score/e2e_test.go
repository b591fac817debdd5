package score

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
	"github.com/mlctl/mlctl/scoring"
)

// flightsCSV writes rows like the airline data: id (unique text, one with
// a quoted line end), Origin (with a quoted level holding the separator;
// unseen levels when unseen), Carrier, Distance (NAs), DepTime (NAs and,
// from row junkFrom on, a few values that are not numbers: past the
// sample the cluster guesses types from, so that the column stays numeric
// there too), Day (dates: the cluster
// reads them as time), and five responses: IsDelayed (0/1), Cls (3
// classes), Amount (real), Count (a count) and Cost (positive real). bom and
// crlf shape the file.
func flightsCSV(rows int, seed uint64, unseen bool, junkFrom int, bom, crlf bool) []byte {
	rng := rand.New(rand.NewPCG(seed, 5))
	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	origins := []string{"ATL", "ORD", "DFW", "DEN", "LAX", "SFO", "SEA", "LAS", "PHX", "IAH", "MCO", "EWR", "MSP", "DTW", `"St. Louis, MO"`}
	carriers := []string{"AA", "DL", "UA", "WN", "B6", "AS"}
	var b strings.Builder
	if bom {
		b.WriteString("\xef\xbb\xbf")
	}
	b.WriteString("id,Origin,Carrier,Distance,DepTime,Day,IsDelayed,Cls,Amount,Count,Cost" + eol)
	for i := range rows {
		oi, ci := rng.IntN(len(origins)), rng.IntN(len(carriers))
		origin, carrier := origins[oi], carriers[ci]
		if unseen && rng.IntN(30) == 0 {
			origin = "ZZZ"
		}
		if unseen && rng.IntN(50) == 0 {
			carrier = "QQ"
		}
		if rng.IntN(40) == 0 {
			origin = ""
		}
		dist := 100 + rng.Float64()*2500
		distS := strconv.FormatFloat(dist, 'f', 1, 64)
		if rng.IntN(20) == 0 {
			distS = "NA"
		}
		dep := 1 + rng.IntN(2400)
		depS := strconv.Itoa(dep)
		switch {
		case rng.IntN(50) == 0:
			depS = ""
		case i >= junkFrom && rng.IntN(300) == 0:
			depS = "late"
		}
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365))
		dayS := day.Format("2006-01-02")
		f := 0.3*float64(oi%5) - 0.2*float64(ci) + dist/1500 + float64(dep)/1200 - 1.5 + float64(day.Month())/12
		delayed := 0
		if rng.Float64() < 1/(1+math.Exp(-f)) {
			delayed = 1
		}
		cls := []string{"lo", "mid", "hi"}[min(2, max(0, int(f+1+rng.NormFloat64()*0.5)))]
		amount := 3*f + rng.NormFloat64()
		id := fmt.Sprintf("f%06d", i)
		if i == 7 {
			id = "\"f000007\nsecond line\""
		}
		count := int(math.Floor(math.Exp(f/2) * (0.5 + rng.Float64())))
		cost := math.Exp(f/3) * (0.5 + rng.ExpFloat64())
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%d,%s,%.4f,%d,%.4f%s", id, origin, carrier, distS, depS, dayS, delayed, cls, amount, count, cost, eol)
	}
	return []byte(b.String())
}

// The end-to-end promise: a model trained on the cluster, exported as an
// artifact and run by `mlctl score` over a file gives, for every row, the
// bits the cluster's own predict gives on that file imported as a frame.
// The file has NAs, unseen levels, a value that is not a number, dates,
// quoted fields (one with a line end), a BOM and CR LF; the scorer reads
// it in small blocks.
func TestScoreEqualsClusterPredict(t *testing.T) {
	dir := t.TempDir()
	train := writeFile(t, dir, "train.csv", flightsCSV(3000, 1, false, math.MaxInt, false, false))
	score := writeFile(t, dir, "score.csv", flightsCSV(8000, 2, true, 6000, true, true))

	c := proctest.Start(t, 2, 16<<10)
	c.Import(t, api.ImportRequest{Paths: []string{train}, Name: "train"})
	c.Import(t, api.ImportRequest{Paths: []string{score}, Name: "score"})
	ctx := context.Background()
	// Every GBM distribution and GLM family training supports; each model
	// ignores the other responses.
	responses := []string{"IsDelayed", "Cls", "Amount", "Count", "Cost"}
	others := func(target string) []string {
		out := []string{"id"}
		for _, r := range responses {
			if r != target {
				out = append(out, r)
			}
		}
		return out
	}
	gbm := func(id, target, dist string, trees int) api.TrainRequest {
		return api.TrainRequest{Algo: "gbm", ModelID: id, Target: target, Ignore: others(target),
			GBM: &api.GBMParams{NTrees: trees, MaxDepth: 4, Distribution: dist, SampleRate: 0.8}}
	}
	glm := func(id, target, family string, p api.GLMParams) api.TrainRequest {
		p.Family = family
		return api.TrainRequest{Algo: "glm", ModelID: id, Target: target, Ignore: others(target), GLM: &p}
	}
	models := []struct {
		req api.TrainRequest
	}{
		{gbm("gbm_bin", "IsDelayed", "bernoulli", 20)},
		{gbm("gbm_multi", "Cls", "multinomial", 10)},
		{gbm("gbm_reg", "Amount", "gaussian", 15)},
		{gbm("gbm_pois", "Count", "poisson", 15)},
		{glm("glm_bin", "IsDelayed", "binomial", api.GLMParams{})},
		{glm("glm_reg", "Amount", "gaussian", api.GLMParams{})},
		{glm("glm_pois", "Count", "poisson", api.GLMParams{})},
		{glm("glm_gamma", "Cost", "gamma", api.GLMParams{})},
		{glm("glm_tweedie", "Cost", "tweedie", api.GLMParams{TweediePower: 1.5})},
		{glm("glm_multi", "Cls", "multinomial", api.GLMParams{})},
	}
	for _, tc := range models {
		t.Run(tc.req.ModelID, func(t *testing.T) {
			req := tc.req
			req.Frame, req.Seed = "train", 11
			m := c.Train(t, req, 2*time.Minute)

			j, err := c.Client.Predict(ctx, api.PredictRequest{Model: m.ModelID, Frame: "score", Name: "pred_" + m.ModelID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Client.WaitJob(ctx, j.ID, nil); err != nil {
				t.Fatal(err)
			}
			cols, vals := c.FrameValues(t, "pred_"+m.ModelID)

			ex, err := c.Client.ModelExport(ctx, m.ModelID)
			if err != nil {
				t.Fatal(err)
			}
			model, err := scoring.DecodeBody(ex.Body, ex.Schema)
			if err != nil {
				t.Fatal(err)
			}
			// The columns whose reading matters: a date as time, levels.
			for name, typ := range map[string]string{"Day": scoring.Numeric, "Distance": scoring.Numeric, "DepTime": scoring.Numeric, "Origin": scoring.Categorical} {
				if k := model.ModelSchema().Index(name); k < 0 || model.ModelSchema().Features[k].Type != typ {
					t.Fatalf("the model's features %+v: want %s %s", model.ModelSchema().Features, name, typ)
				}
			}
			a := &scoring.Artifact{Model: model, Manifest: scoring.Manifest{ModelID: m.ModelID, Kind: m.Kind}}
			if ex.Threshold != nil {
				a.Manifest.Threshold = float64(*ex.Threshold)
			}
			mpath := filepath.Join(t.TempDir(), m.ModelID+".mlz")
			if err := scoring.WriteFile(mpath, a, nil); err != nil {
				t.Fatal(err)
			}

			stdout, stderr, err := blocks(4000).run(t, mpath, score, "-o", "-")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(stderr, "scored 8,000 rows; as NA: Origin ") || !strings.Contains(stderr, " unparsable value") {
				t.Errorf("stderr %q", stderr)
			}
			header, rows := readCSV(t, stdout, ',')
			if len(header) != len(cols) {
				t.Fatalf("header %q, the cluster's columns %v", header, cols)
			}
			for j, col := range cols {
				if header[j] != col.Name {
					t.Fatalf("column %d is %q, the cluster's %q", j, header[j], col.Name)
				}
			}
			if len(rows) != len(vals[0]) {
				t.Fatalf("%d rows, the cluster predicted %d", len(rows), len(vals[0]))
			}
			for r, row := range rows {
				for j, col := range cols {
					want := vals[j][r]
					if j == 0 && len(col.Domain) > 0 {
						if code := int(want); math.IsNaN(want) || code < 0 || code >= len(col.Domain) || row[0] != col.Domain[code] {
							t.Fatalf("row %d: predict %q, the cluster's code %v of %q", r, row[0], want, col.Domain)
						}
						continue
					}
					got, err := strconv.ParseFloat(row[j], 64)
					if err != nil {
						t.Fatalf("row %d column %s: %v", r, col.Name, err)
					}
					if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
						t.Fatalf("row %d column %s: %v (%#x), the cluster's %v (%#x)", r, col.Name, got, math.Float64bits(got), want, math.Float64bits(want))
					}
				}
			}
			t.Logf("%s: %d rows equal to the bit (%s)", m.ModelID, len(rows), strings.TrimSpace(stderr))
		})
	}
}
