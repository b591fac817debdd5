package metrics

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The reference implementations below follow the definitions literally:
// plain float64 sums, no sorting, O(n^2) where the definition is pairwise.
// The fast code must agree to refTol (relative, or absolute near 0), and
// exactly where the arithmetic is exact (integer weights).

const refTol = 1e-12

func near(got, want, tol float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// refRow is a row the rules keep.
type refRow struct {
	i       int
	y, p, w float64
}

func refKeep(y, p, w []float64) []refRow {
	var rows []refRow
	for i := range y {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if wi == 0 || math.IsNaN(y[i]) || math.IsNaN(p[i]) {
			continue
		}
		rows = append(rows, refRow{i, y[i], p[i], wi})
	}
	return rows
}

type refBinomial struct {
	auc, aucpr, logloss float64
	f1At, f1            float64
	thresholds          []float64 // distinct scores, descending
}

// refF1 is F1 when predicting 1 for p >= t.
func refF1(rows []refRow, t float64) float64 {
	var tp, fp, fn float64
	for _, r := range rows {
		switch {
		case r.p >= t && r.y == 1:
			tp += r.w
		case r.p >= t:
			fp += r.w
		case r.y == 1:
			fn += r.w
		}
	}
	return 2 * tp / (2*tp + fp + fn)
}

func refConfusion(rows []refRow, t float64) [][]float64 {
	cm := [][]float64{{0, 0}, {0, 0}}
	for _, r := range rows {
		pred := 0
		if r.p >= t {
			pred = 1
		}
		cm[int(r.y)][pred] += r.w
	}
	return cm
}

func computeRefBinomial(rows []refRow) refBinomial {
	var b refBinomial
	// AUC: the probability that a positive outranks a negative, ties half.
	var num, P, N, sw, ll float64
	for _, a := range rows {
		if a.y == 1 {
			P += a.w
		} else {
			N += a.w
		}
		q := math.Max(1e-15, math.Min(1-1e-15, a.p))
		if a.y == 1 {
			ll -= a.w * math.Log(q)
		} else {
			ll -= a.w * math.Log(1-q)
		}
		sw += a.w
		for _, c := range rows {
			if a.y != 1 || c.y != 0 {
				continue
			}
			switch {
			case a.p > c.p:
				num += a.w * c.w
			case a.p == c.p:
				num += a.w * c.w / 2
			}
		}
	}
	b.auc = num / (P * N)
	b.logloss = ll / sw

	for _, r := range rows {
		if !slices.Contains(b.thresholds, r.p) {
			b.thresholds = append(b.thresholds, r.p)
		}
	}
	slices.Sort(b.thresholds)
	slices.Reverse(b.thresholds)

	// Average precision: sum over thresholds of (R_k - R_{k-1}) * P_k.
	prevR := 0.0
	b.f1 = -1
	for _, t := range b.thresholds {
		var tp, fp float64
		for _, r := range rows {
			if r.p >= t {
				if r.y == 1 {
					tp += r.w
				} else {
					fp += r.w
				}
			}
		}
		rec := tp / P
		b.aucpr += (rec - prevR) * tp / (tp + fp)
		prevR = rec
		if f := refF1(rows, t); f > b.f1 {
			b.f1, b.f1At = f, t
		}
	}
	return b
}

// randBinomial makes n rows with ties (scores on a coarse grid, or repeated),
// exact 0 and 1 scores, NaNs in y and p, and weights of the given kind.
func randBinomial(r *rand.Rand, n int, weights string) (y, p, w []float64) {
	y = make([]float64, n)
	p = make([]float64, n)
	grid := 1 + r.IntN(12)
	for i := range n {
		y[i] = float64(r.IntN(2))
		switch r.IntN(4) {
		case 0:
			p[i] = r.Float64()
		case 1:
			p[i] = float64(r.IntN(grid+1)) / float64(grid)
		default:
			// A score correlated with y, so AUC is not always near 1/2.
			p[i] = math.Round((0.3*y[i]+0.7*r.Float64())*float64(grid)) / float64(grid)
		}
		if r.IntN(30) == 0 {
			y[i] = math.NaN()
		}
		if r.IntN(30) == 0 {
			p[i] = math.NaN()
		}
	}
	switch weights {
	case "nil":
	case "int":
		w = make([]float64, n)
		for i := range w {
			w[i] = float64(r.IntN(4)) // 0 included: skipped rows
		}
	case "real":
		w = make([]float64, n)
		for i := range w {
			w[i] = r.ExpFloat64()
			if r.IntN(20) == 0 {
				w[i] = 0
			}
		}
	}
	return y, p, w
}

func TestBinomialMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var checked, oneClass int
	for iter := range 3000 {
		n := 1 + r.IntN(120)
		kind := []string{"nil", "int", "real"}[iter%3]
		y, p, w := randBinomial(r, n, kind)
		rows := refKeep(y, p, w)
		got, err := ComputeBinomial(y, p, w, []string{"no", "yes"})

		var P, N int
		for _, row := range rows {
			if row.y == 1 {
				P++
			} else {
				N++
			}
		}
		switch {
		case len(rows) == 0:
			if !errors.Is(err, ErrNoRows) {
				t.Fatalf("iter %d: no rows kept: err = %v, want ErrNoRows", iter, err)
			}
			continue
		case P == 0 || N == 0:
			if !errors.Is(err, ErrOneClass) {
				t.Fatalf("iter %d: one class: err = %v, want ErrOneClass", iter, err)
			}
			oneClass++
			continue
		case err != nil:
			t.Fatalf("iter %d: %v", iter, err)
		}
		checked++
		want := computeRefBinomial(rows)
		if got.NObs != int64(len(rows)) {
			t.Fatalf("iter %d: NObs %d, want %d", iter, got.NObs, len(rows))
		}
		if kind != "real" && got.AUC != want.auc {
			// Integer weights make every sum exact; only the final division
			// rounds, so the two must agree bit for bit.
			t.Fatalf("iter %d (%s weights): AUC %v, want exactly %v", iter, kind, got.AUC, want.auc)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"AUC", got.AUC, want.auc},
			{"AUCPR", got.AUCPR, want.aucpr},
			{"Logloss", got.Logloss, want.logloss},
			{"F1", got.F1, want.f1},
		} {
			if !near(c.got, c.want, refTol) {
				t.Fatalf("iter %d (%s weights, n=%d): %s = %.17g, reference %.17g", iter, kind, n, c.name, c.got, c.want)
			}
		}
		// The threshold must be a candidate whose F1 is the maximum; when two
		// candidates' F1s agree only to rounding, either may win.
		if got.F1Threshold != want.f1At {
			if !slices.Contains(want.thresholds, got.F1Threshold) ||
				!near(refF1(rows, got.F1Threshold), want.f1, refTol) ||
				kind != "real" {
				t.Fatalf("iter %d: F1Threshold %v (F1 %v), reference %v (F1 %v)",
					iter, got.F1Threshold, got.F1, want.f1At, want.f1)
			}
		}
		cm := refConfusion(rows, got.F1Threshold)
		for a := range 2 {
			for b := range 2 {
				if !near(got.ConfusionMatrix.Counts[a][b], cm[a][b], refTol) {
					t.Fatalf("iter %d: confusion %v, reference %v", iter, got.ConfusionMatrix.Counts, cm)
				}
			}
		}
	}
	if checked < 2000 || oneClass == 0 {
		t.Fatalf("generator covers too little: %d checked, %d one-class", checked, oneClass)
	}
}

func refRegression(rows []refRow, unit func(y, mu float64) float64) Regression {
	var sw, swy, sse, sae, sdev float64
	for _, r := range rows {
		d := r.y - r.p
		sw += r.w
		swy += r.w * r.y
		sse += r.w * d * d
		sae += r.w * math.Abs(d)
		sdev += r.w * unit(r.y, r.p)
	}
	mean := swy / sw
	var sst float64
	for _, r := range rows {
		sst += r.w * (r.y - mean) * (r.y - mean)
	}
	return Regression{
		RMSE: math.Sqrt(sse / sw), MAE: sae / sw, R2: 1 - sse/sst,
		Deviance: sdev / sw, NObs: int64(len(rows)),
	}
}

func TestRegressionMatchesReference(t *testing.T) {
	tweedieUnit := func(p float64) func(y, mu float64) float64 {
		return func(y, mu float64) float64 {
			return 2 * (math.Pow(y, 2-p)/((1-p)*(2-p)) - y*math.Pow(mu, 1-p)/(1-p) + math.Pow(mu, 2-p)/(2-p))
		}
	}
	fams := []struct {
		dist  string
		power float64
		unit  func(y, mu float64) float64
		zeroY bool // y may be 0
	}{
		{"gaussian", 0, func(y, mu float64) float64 { return (y - mu) * (y - mu) }, true},
		{"poisson", 0, func(y, mu float64) float64 {
			if y == 0 {
				return 2 * mu
			}
			return 2 * (y*math.Log(y/mu) - (y - mu))
		}, true},
		{"gamma", 0, func(y, mu float64) float64 { return 2 * (-math.Log(y/mu) + (y-mu)/mu) }, false},
		{"tweedie", 1.5, tweedieUnit(1.5), true},
		{"tweedie", 2.5, tweedieUnit(2.5), false},
		{"tweedie", 3, func(y, mu float64) float64 { return (y - mu) * (y - mu) / (y * mu * mu) }, false},
	}
	r := rand.New(rand.NewPCG(3, 4))
	for iter := range 1200 {
		f := fams[iter%len(fams)]
		n := 2 + r.IntN(200)
		y, p, w := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			y[i] = math.Floor(r.ExpFloat64() * 4)
			if !f.zeroY {
				y[i] += 0.25
			}
			p[i] = 0.1 + r.ExpFloat64()*3
			w[i] = float64(r.IntN(3))
			if r.IntN(25) == 0 {
				y[i] = math.NaN()
			}
		}
		w[0], w[1], y[0], y[1], p[0], p[1] = 1, 1, 1, 2, 1, 1 // two distinct kept y
		rows := refKeep(y, p, w)
		got, err := ComputeRegression(y, p, w, f.dist, f.power)
		if err != nil {
			t.Fatalf("iter %d %s %v: %v", iter, f.dist, f.power, err)
		}
		want := refRegression(rows, f.unit)
		if got.NObs != want.NObs {
			t.Fatalf("iter %d: NObs %d, want %d", iter, got.NObs, want.NObs)
		}
		for _, c := range [][3]any{
			{"RMSE", got.RMSE, want.RMSE}, {"MAE", got.MAE, want.MAE},
			{"R2", got.R2, want.R2}, {"Deviance", got.Deviance, want.Deviance},
		} {
			if g, w := c[1].(float64), c[2].(float64); !near(g, w, refTol) {
				t.Fatalf("iter %d %s %v: %s = %.17g, reference %.17g", iter, f.dist, f.power, c[0], g, w)
			}
		}
	}
}

func TestMultinomialMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for iter := range 1000 {
		k := 2 + r.IntN(5)
		n := 1 + r.IntN(100)
		y := make([]float64, n)
		probs := make([]float64, n*k)
		w := make([]float64, n)
		for i := range n {
			y[i] = float64(r.IntN(k))
			var s float64
			for c := range k {
				v := float64(r.IntN(4)) // ties in argmax are common
				probs[i*k+c] = v
				s += v
			}
			for c := range k {
				if s == 0 {
					probs[i*k+c] = 1 / float64(k)
				} else {
					probs[i*k+c] /= s
				}
			}
			w[i] = r.ExpFloat64()
			if r.IntN(20) == 0 {
				probs[i*k+r.IntN(k)] = math.NaN()
			}
		}
		probs[0] = 0.5 // row 0 is always kept
		for c := 1; c < k; c++ {
			probs[c] = 0.5 / float64(k-1)
		}
		got, err := ComputeMultinomial(y, probs, k, w, nil)
		if err != nil {
			t.Fatalf("iter %d: %v", iter, err)
		}
		var sw, ll, miss float64
		var nobs int64
		cm := make([][]float64, k)
		for c := range cm {
			cm[c] = make([]float64, k)
		}
		for i := range n {
			row := probs[i*k : (i+1)*k]
			if slices.ContainsFunc(row, math.IsNaN) {
				continue
			}
			pred := 0
			for c := range row {
				if row[c] > row[pred] {
					pred = c
				}
			}
			a := int(y[i])
			nobs++
			sw += w[i]
			ll -= w[i] * math.Log(math.Max(1e-15, math.Min(1-1e-15, row[a])))
			if pred != a {
				miss += w[i]
			}
			cm[a][pred] += w[i]
		}
		if got.NObs != nobs || !near(got.Logloss, ll/sw, refTol) || !near(got.Error, miss/sw, refTol) {
			t.Fatalf("iter %d: got %+v, reference nobs %d logloss %v error %v", iter, got, nobs, ll/sw, miss/sw)
		}
		for a := range k {
			for b := range k {
				if !near(got.ConfusionMatrix.Counts[a][b], cm[a][b], refTol) {
					t.Fatalf("iter %d: confusion %v, reference %v", iter, got.ConfusionMatrix.Counts, cm)
				}
			}
		}
	}
}
