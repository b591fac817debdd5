package metrics

import (
	"fmt"
	"math"
)

// Multinomial metrics for a K-class model.
type Multinomial struct {
	Logloss         float64         `json:"logloss"`
	Error           float64         `json:"error"` // weighted fraction misclassified (argmax, ties to lowest class)
	ConfusionMatrix ConfusionMatrix `json:"confusion_matrix"`
	NObs            int64           `json:"nobs"`
}

// ComputeMultinomial computes Multinomial from responses y holding class
// indices 0..k-1 as float64, probs row-major n*k (probs[i*k+c] = P(row i is
// class c)), and weights w (nil = all 1). labels are the k class names; nil
// means "0".."k-1". A row with any NaN probability is skipped. Logloss takes
// the actual class's probability, clipped, without renormalising the row.
func ComputeMultinomial(y []float64, probs []float64, k int, w []float64, labels []string) (Multinomial, error) {
	n := len(y)
	if k < 2 {
		return Multinomial{}, fmt.Errorf("%w: k = %d classes, want at least 2", ErrBadValue, k)
	}
	if len(probs) != n*k {
		return Multinomial{}, fmt.Errorf("%w: len(probs) = %d, want %d (len(y) * k = %d * %d)",
			ErrLength, len(probs), n*k, n, k)
	}
	if err := checkWeights(n, w); err != nil {
		return Multinomial{}, err
	}
	labels, err := classLabels(labels, k)
	if err != nil {
		return Multinomial{}, err
	}

	cm := newConfusionSums(k)
	var sw, sll, serr sum
	var nobs int64
rows:
	for i := range n {
		wi, err := weight(w, i)
		if err != nil {
			return Multinomial{}, err
		}
		yi := y[i]
		if wi == 0 || math.IsNaN(yi) {
			continue
		}
		row := probs[i*k : (i+1)*k]
		for _, p := range row {
			if math.IsNaN(p) {
				continue rows
			}
		}
		if yi < 0 || yi >= float64(k) || yi != math.Trunc(yi) {
			return Multinomial{}, badValue("y", i, yi, fmt.Sprintf("a class index in 0..%d", k-1))
		}
		pred := 0
		for c, p := range row {
			if err := checkProb("probs", i*k+c, p); err != nil {
				return Multinomial{}, err
			}
			if p > row[pred] {
				pred = c
			}
		}
		actual := int(yi)
		nobs++
		sw.add(wi)
		sll.add(float64(wi * -math.Log(Clip(row[actual]))))
		if pred != actual {
			serr.add(wi)
		}
		cm.add(actual, pred, wi)
	}
	if nobs == 0 {
		return Multinomial{}, fmt.Errorf("%w (of %d)", ErrNoRows, n)
	}
	W := sw.value()
	return Multinomial{
		Logloss:         sll.value() / W,
		Error:           serr.value() / W,
		ConfusionMatrix: cm.matrix(labels),
		NObs:            nobs,
	}, nil
}
