package metrics

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var nan = math.NaN()

func TestComputeBinomial(t *testing.T) {
	ln := math.Log
	tests := []struct {
		name    string
		y, p, w []float64
		want    Binomial // Labels filled in from "0", "1"
	}{{
		// scikit-learn's documentation example for roc_auc_score (0.75) and
		// average_precision_score (0.83...).
		name: "sklearn docs example",
		y:    []float64{0, 0, 1, 1},
		p:    []float64{0.1, 0.4, 0.35, 0.8},
		want: Binomial{
			AUC: 0.75, AUCPR: (1.0 + 2.0/3) / 2,
			Logloss: 0.47228795380917615, // -(ln .9 + ln .6 + ln .35 + ln .8)/4
			// t=.8: F1 2/3; t=.4: 1/2; t=.35: 4/5; t=.1: 2/3.
			F1Threshold: 0.35, F1: 0.8,
			ConfusionMatrix: ConfusionMatrix{Counts: [][]float64{{1, 1}, {0, 2}}},
			NObs:            4,
		},
	}, {
		// scikit-learn's log_loss example, ["spam","ham","ham","spam"]
		// with P(spam) = .9 .1 .2 .65: 0.21616...
		name: "sklearn log_loss example",
		y:    []float64{1, 0, 0, 1},
		p:    []float64{0.9, 0.1, 0.2, 0.65},
		want: Binomial{
			AUC: 1, AUCPR: 1, Logloss: 0.21616187468057912,
			F1Threshold: 0.65, F1: 1,
			ConfusionMatrix: ConfusionMatrix{Counts: [][]float64{{2, 0}, {0, 2}}},
			NObs:            4,
		},
	}, {
		// A positive and a negative tied at .5 count half a pair:
		// pairs (.5,.5)=1/2, (.5,.2)=1, (.9,.5)=1, (.9,.2)=1 -> 3.5/4.
		// PR points: t=.9 P=1 R=1/2; t=.5 P=2/3 R=1.
		name: "tie between classes",
		y:    []float64{0, 1, 0, 1},
		p:    []float64{0.5, 0.5, 0.2, 0.9},
		want: Binomial{
			AUC: 0.875, AUCPR: 0.5 + 0.5*2/3,
			Logloss: -(ln(0.5) + ln(0.5) + ln(0.8) + ln(0.9)) / 4,
			// t=.9: 2/3; t=.5: 4/5; t=.2: 4/6.
			F1Threshold: 0.5, F1: 0.8,
			ConfusionMatrix: ConfusionMatrix{Counts: [][]float64{{1, 1}, {0, 2}}},
			NObs:            4,
		},
	}, {
		// Same rows weighted 1 2 3 4: P = 6, N = 4. Pairs: pos(.5,2) with
		// neg(.5,1) 2/2, with neg(.2,3) 6; pos(.9,4) with both 4+12 -> 23/24.
		// PR: t=.9 TP 4 FP 0; t=.5 TP 6 FP 1 -> (4/6)*1 + (2/6)*(6/7).
		name: "weights",
		y:    []float64{0, 1, 0, 1},
		p:    []float64{0.5, 0.5, 0.2, 0.9},
		w:    []float64{1, 2, 3, 4},
		want: Binomial{
			AUC: 23.0 / 24, AUCPR: 4.0/6 + 2.0/6*6/7,
			Logloss: -(1*ln(0.5) + 2*ln(0.5) + 3*ln(0.8) + 4*ln(0.9)) / 10,
			// t=.9: 8/(8+0+2) = .8; t=.5: 12/(12+1+0) = 12/13; t=.2: 12/16.
			F1Threshold: 0.5, F1: 12.0 / 13,
			ConfusionMatrix: ConfusionMatrix{Counts: [][]float64{{3, 1}, {0, 6}}},
			NObs:            4,
		},
	}, {
		// F1 ties: t=.9 gives 2/3, t=.6 gives 4/6; the highest threshold wins.
		name: "F1 tie goes to highest threshold",
		y:    []float64{1, 0, 0, 1},
		p:    []float64{0.9, 0.8, 0.7, 0.6},
		want: Binomial{
			AUC: 0.5, AUCPR: (1 + 0.5) / 2,
			Logloss:     -(ln(0.9) + ln(0.2) + ln(0.3) + ln(0.6)) / 4,
			F1Threshold: 0.9, F1: 2.0 / 3,
			ConfusionMatrix: ConfusionMatrix{Counts: [][]float64{{2, 0}, {1, 1}}},
			NObs:            4,
		},
	}, {
		// NaN y, NaN p and zero weight rows drop out; p = 0 and 1 clip.
		name: "skipped rows and clipping",
		y:    []float64{1, nan, 0, 1, 0, 0},
		p:    []float64{1, 0.3, 0, nan, 0.5, 0.7},
		w:    []float64{1, 1, 1, 1, 0, 1},
		want: Binomial{
			AUC: 1, AUCPR: 1,
			Logloss:     (-math.Log(1-1e-15) - math.Log1p(-1e-15) - math.Log1p(-0.7)) / 3,
			F1Threshold: 1, F1: 1,
			ConfusionMatrix: ConfusionMatrix{Counts: [][]float64{{2, 0}, {0, 1}}},
			NObs:            3,
		},
	}, {
		name: "all scores tied",
		y:    []float64{0, 1, 1},
		p:    []float64{0.3, 0.3, 0.3},
		want: Binomial{
			AUC: 0.5, AUCPR: 2.0 / 3,
			Logloss:     -(ln(0.7) + 2*ln(0.3)) / 3,
			F1Threshold: 0.3, F1: 0.8,
			ConfusionMatrix: ConfusionMatrix{Counts: [][]float64{{0, 1}, {0, 2}}},
			NObs:            3,
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ComputeBinomial(tc.y, tc.p, tc.w, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			want.ConfusionMatrix.Labels = []string{"0", "1"}
			for _, c := range [][3]any{
				{"AUC", got.AUC, want.AUC}, {"AUCPR", got.AUCPR, want.AUCPR},
				{"Logloss", got.Logloss, want.Logloss}, {"F1", got.F1, want.F1},
			} {
				if g, w := c[1].(float64), c[2].(float64); !near(g, w, 1e-15) {
					t.Errorf("%s = %.17g, want %.17g", c[0], g, w)
				}
			}
			got.AUC, got.AUCPR, got.Logloss, got.F1 = want.AUC, want.AUCPR, want.Logloss, want.F1
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestComputeBinomialErrors(t *testing.T) {
	one := []float64{0, 1}
	tests := []struct {
		name    string
		y, p, w []float64
		labels  []string
		is      error
		msg     string
	}{
		{"p1 length", one, []float64{0.5}, nil, nil, ErrLength, "len(p1) = 1, want 2"},
		{"w length", one, one, []float64{1}, nil, ErrLength, "len(w) = 1"},
		{"labels length", one, one, nil, []string{"a"}, ErrLength, "len(labels) = 1, want 2"},
		{"negative weight", one, one, []float64{1, -1}, nil, ErrBadValue, "w[1] = -1"},
		{"NaN weight", one, one, []float64{nan, 1}, nil, ErrBadValue, "w[0] = NaN"},
		{"NaN weight on a NaN row", []float64{nan, 0, 1}, []float64{0, 0, 1}, []float64{nan, 1, 1}, nil, ErrBadValue, "w[0] = NaN"},
		{"infinite weight", one, one, []float64{1, math.Inf(1)}, nil, ErrBadValue, "w[1] = +Inf"},
		{"y not 0/1", []float64{0, 2}, one, nil, nil, ErrBadValue, "y[1] = 2, want 0 or 1"},
		{"p1 above 1", one, []float64{0, 1.5}, nil, nil, ErrBadValue, "p1[1] = 1.5, want a probability"},
		{"p1 negative", one, []float64{-0.1, 1}, nil, nil, ErrBadValue, "p1[0] = -0.1"},
		{"p1 infinite", one, []float64{math.Inf(-1), 1}, nil, nil, ErrBadValue, "p1[0] = -Inf"},
		{"empty", nil, nil, nil, nil, ErrNoRows, "no rows"},
		{"all skipped", one, []float64{nan, nan}, nil, nil, ErrNoRows, "(of 2)"},
		{"all zero weight", one, one, []float64{0, 0}, nil, ErrNoRows, "(of 2)"},
		{"only positives", []float64{1, 1, 0}, []float64{0.2, 0.4, 0.5}, []float64{1, 1, 0}, nil, ErrOneClass, "AUC needs both classes: all 2 kept rows have y = 1"},
		{"only negatives", []float64{0, 0, 1}, []float64{0.2, 0.4, nan}, nil, nil, ErrOneClass, "y = 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ComputeBinomial(tc.y, tc.p, tc.w, tc.labels)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.is, tc.msg)
			}
		})
	}
}

func TestBinomialLabelsAndInputs(t *testing.T) {
	y := []float64{0, 1, 1, 0}
	p := []float64{0.2, 0.9, 0.9, 0.6}
	labels := []string{"ham", "spam"}
	yc, pc, lc := slices.Clone(y), slices.Clone(p), slices.Clone(labels)
	got, err := ComputeBinomial(y, p, nil, labels)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(y, yc) || !slices.Equal(p, pc) || !slices.Equal(labels, lc) {
		t.Fatal("ComputeBinomial modified its inputs")
	}
	labels[0] = "changed"
	if got.ConfusionMatrix.Labels[0] != "ham" {
		t.Fatal("the result shares the caller's labels slice")
	}
}

func TestBinomialEdgeRows(t *testing.T) {
	// A zero-weight row is skipped before its values are checked.
	if _, err := ComputeBinomial([]float64{0, 1, 2}, []float64{0.1, 0.9, 7}, []float64{1, 1, 0}, nil); err != nil {
		t.Errorf("zero-weight row with bad values: %v", err)
	}
	// -0 and +0 are one score, and the threshold comes back as +0.
	// Thresholds: .9 F1 0; .5 F1 2/4; 0 F1 4/6.
	b, err := ComputeBinomial([]float64{1, 1, 0, 0}, []float64{0.5, math.Copysign(0, -1), 0.9, 0}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Float64bits(b.F1Threshold) != 0 || b.F1 != 2.0/3 {
		t.Errorf("F1Threshold %v (bits %#x), F1 %v; want +0, 2/3", b.F1Threshold, math.Float64bits(b.F1Threshold), b.F1)
	}
	// Pairs (pos, neg): (.5,.9)=0 (.5,0)=1 (-0,.9)=0 (-0,0)=1/2.
	if b.AUC != 1.5/4 {
		t.Errorf("AUC %v, want %v", b.AUC, 1.5/4)
	}
}

// The same input must give the same bits, with heavy ties so that the
// tie-break by row index is exercised.
func TestBinomialDeterministic(t *testing.T) {
	y, p, w := benchInput(20000)
	for i := range p {
		p[i] = math.Round(p[i]*20) / 20
	}
	a, err := ComputeBinomial(y, p, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		b, _ := ComputeBinomial(y, p, w, nil)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) || math.Float64bits(a.AUC) != math.Float64bits(b.AUC) {
			t.Fatalf("two runs differ:\n%s\n%s", ja, jb)
		}
	}
}

func TestSortOrder(t *testing.T) {
	rows := []scored{{s: 0.5, i: 0}, {s: 0.9, i: 1}, {s: 0.5, i: 2}, {s: 0.1, i: 3}, {s: 0.9, i: 4}, {s: 0.5, i: 5}}
	slices.Reverse(rows) // the tie-break must not depend on input order
	slices.SortFunc(rows, byScoreDesc)
	var order []int32
	for _, r := range rows {
		order = append(order, r.i)
	}
	if want := []int32{1, 4, 0, 2, 5, 3}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
}

func TestClip(t *testing.T) {
	for _, c := range []struct{ p, want float64 }{
		{0, 1e-15}, {-1, 1e-15}, {1e-16, 1e-15}, {1e-15, 1e-15}, {0.3, 0.3},
		{1, 1 - 1e-15}, {2, 1 - 1e-15}, {math.Inf(1), 1 - 1e-15},
	} {
		if got := Clip(c.p); got != c.want {
			t.Errorf("Clip(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if !math.IsNaN(Clip(nan)) {
		t.Error("Clip(NaN) is not NaN")
	}
	// A confident wrong prediction costs about 34.5, not +Inf: -log(1e-15)
	// for y = 1, p = 0, and -log(1 - (1-1e-15)) = -log(9.992007221626409e-16)
	// for y = 0, p = 1, since 1-1e-15 rounds (scikit-learn's value too).
	b, err := ComputeBinomial([]float64{1, 0}, []float64{0, 1}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := (34.538776394910684 + 34.53957599234088) / 2; !near(b.Logloss, want, 1e-15) {
		t.Errorf("Logloss %v, want %v", b.Logloss, want)
	}
}

// JSON field names are stable API.
func TestJSONFieldNames(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{Regression{}, `{"rmse":0,"mae":0,"r2":0,"deviance":0,"nobs":0}`},
		{Binomial{}, `{"auc":0,"aucpr":0,"logloss":0,"f1_threshold":0,"f1":0,"confusion_matrix":{"labels":null,"counts":null},"nobs":0}`},
		{Multinomial{}, `{"logloss":0,"error":0,"confusion_matrix":{"labels":null,"counts":null},"nobs":0}`},
	} {
		b, err := json.Marshal(c.v)
		if err != nil || string(b) != c.want {
			t.Errorf("json.Marshal(%T) = %s, %v; want %s", c.v, b, err, c.want)
		}
	}
}

func TestSum(t *testing.T) {
	// Neumaier's variant keeps the small terms even when a later addend is
	// larger than the running total, where plain Kahan loses them.
	var k sum
	for _, x := range []float64{1, 1e100, 1, -1e100} {
		k.add(x)
	}
	if k.value() != 2 {
		t.Fatalf("sum = %v, want 2", k.value())
	}
	var tenth sum
	for range 10 {
		tenth.add(0.1)
	}
	if tenth.value() != 1 {
		t.Fatalf("ten 0.1s = %v, want 1", tenth.value())
	}
}
