package metrics

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestComputeMultinomial(t *testing.T) {
	ln := math.Log
	tests := []struct {
		name   string
		y      []float64
		probs  []float64
		k      int
		w      []float64
		labels []string
		want   Multinomial
	}{{
		// Row 1 ties classes 0 and 1 at .4: argmax is 0, a miss.
		name: "argmax tie to lowest class",
		y:    []float64{0, 1, 2, 1},
		probs: []float64{
			0.7, 0.2, 0.1,
			0.4, 0.4, 0.2,
			0.1, 0.2, 0.7,
			0.2, 0.5, 0.3,
		},
		k:      3,
		labels: []string{"a", "b", "c"},
		want: Multinomial{
			Logloss: 0.5806969500778913, // -(ln .7 + ln .4 + ln .7 + ln .5)/4
			Error:   0.25,
			ConfusionMatrix: ConfusionMatrix{Labels: []string{"a", "b", "c"},
				Counts: [][]float64{{1, 0, 0}, {1, 1, 0}, {0, 0, 1}}},
			NObs: 4,
		},
	}, {
		// Weights 1 2 3 4; row 2 has a NaN probability and row 3 weight 0.
		name: "weights and skipped rows",
		y:    []float64{0, 1, 2, 1, nan},
		probs: []float64{
			0.7, 0.2, 0.1,
			0.4, 0.4, 0.2,
			nan, 0.2, 0.7,
			0.2, 0.5, 0.3,
			0.2, 0.5, 0.3,
		},
		k: 3,
		w: []float64{1, 2, 3, 0, 5},
		want: Multinomial{
			Logloss: -(ln(0.7) + 2*ln(0.4)) / 3,
			Error:   2.0 / 3,
			ConfusionMatrix: ConfusionMatrix{Labels: []string{"0", "1", "2"},
				Counts: [][]float64{{1, 0, 0}, {2, 0, 0}, {0, 0, 0}}},
			NObs: 2,
		},
	}, {
		name:  "zero probability of the actual class is clipped",
		y:     []float64{1, 0},
		probs: []float64{1, 0, 1, 0},
		k:     2,
		want: Multinomial{
			Logloss: -ln(1e-15)/2 - ln(1-1e-15)/2,
			Error:   0.5,
			ConfusionMatrix: ConfusionMatrix{Labels: []string{"0", "1"},
				Counts: [][]float64{{1, 0}, {1, 0}}},
			NObs: 2,
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ComputeMultinomial(tc.y, tc.probs, tc.k, tc.w, tc.labels)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got.Logloss, tc.want.Logloss, 1e-15) || !near(got.Error, tc.want.Error, 1e-15) {
				t.Errorf("Logloss %.17g Error %.17g, want %.17g %.17g", got.Logloss, got.Error, tc.want.Logloss, tc.want.Error)
			}
			got.Logloss, got.Error = tc.want.Logloss, tc.want.Error
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestComputeMultinomialErrors(t *testing.T) {
	y := []float64{0, 1}
	probs := []float64{0.6, 0.4, 0.3, 0.7}
	tests := []struct {
		name   string
		y      []float64
		probs  []float64
		k      int
		w      []float64
		labels []string
		is     error
		msg    string
	}{
		{"one class", y, []float64{1, 1}, 1, nil, nil, ErrBadValue, "k = 1 classes, want at least 2"},
		{"probs length", y, probs[:3], 2, nil, nil, ErrLength, "len(probs) = 3, want 4"},
		{"w length", y, probs, 2, []float64{1}, nil, ErrLength, "len(w) = 1"},
		{"labels length", y, probs, 2, nil, []string{"a", "b", "c"}, ErrLength, "len(labels) = 3, want 2"},
		{"class out of range", []float64{0, 2}, probs, 2, nil, nil, ErrBadValue, "y[1] = 2, want a class index in 0..1"},
		{"negative class", []float64{-1, 0}, probs, 2, nil, nil, ErrBadValue, "y[0] = -1"},
		{"fractional class", []float64{0, 0.5}, probs, 2, nil, nil, ErrBadValue, "y[1] = 0.5"},
		{"probability above 1", y, []float64{0.6, 0.4, 0.3, 1.7}, 2, nil, nil, ErrBadValue, "probs[3] = 1.7"},
		{"negative weight", y, probs, 2, []float64{-1, 1}, nil, ErrBadValue, "w[0] = -1"},
		{"no rows", []float64{nan, 0}, []float64{0.6, 0.4, nan, 0.7}, 2, nil, nil, ErrNoRows, "(of 2)"},
		{"empty", nil, nil, 3, nil, nil, ErrNoRows, "(of 0)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ComputeMultinomial(tc.y, tc.probs, tc.k, tc.w, tc.labels)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.is, tc.msg)
			}
		})
	}
}
