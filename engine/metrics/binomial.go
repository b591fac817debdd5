package metrics

import (
	"fmt"
	"math"
)

// Binomial metrics for a two-class model.
type Binomial struct {
	AUC             float64         `json:"auc"`
	AUCPR           float64         `json:"aucpr"`            // area under precision-recall: average precision as scikit-learn's average_precision_score defines it (step function, no interpolation)
	Logloss         float64         `json:"logloss"`          // probabilities clipped to [1e-15, 1-1e-15] as scikit-learn does
	F1Threshold     float64         `json:"f1_threshold"`     // the threshold on p1 that maximises F1; predicted class 1 when p1 >= threshold
	F1              float64         `json:"f1"`               // F1 at F1Threshold
	ConfusionMatrix ConfusionMatrix `json:"confusion_matrix"` // at F1Threshold
	NObs            int64           `json:"nobs"`
}

// ComputeBinomial computes Binomial from responses y in {0,1}, p1 = P(class 1)
// in [0,1] and weights w (nil = all 1). labels are the two class names, class
// 0 first, for the confusion matrix; nil means "0" and "1". Candidate F1
// thresholds are the distinct values of p1; of equal F1s the highest
// threshold wins. Rows with both classes are required (ErrOneClass).
//
// It sorts a copy of the kept rows: O(n log n) time and 24 bytes per row.
func ComputeBinomial(y, p1, w []float64, labels []string) (Binomial, error) {
	n := len(y)
	if err := checkLen(n, "p1", len(p1)); err != nil {
		return Binomial{}, err
	}
	if n > math.MaxInt32 {
		return Binomial{}, fmt.Errorf("%w: %d rows, ComputeBinomial takes at most %d", ErrLength, n, math.MaxInt32)
	}
	if err := checkWeights(n, w); err != nil {
		return Binomial{}, err
	}
	labels, err := classLabels(labels, 2)
	if err != nil {
		return Binomial{}, err
	}

	rows := make([]scored, 0, n)
	var sw, sll sum
	var npos int
	for i := range n {
		wi, err := weight(w, i)
		if err != nil {
			return Binomial{}, err
		}
		yi, p := y[i], p1[i]
		if wi == 0 || math.IsNaN(yi) || math.IsNaN(p) {
			continue
		}
		if yi != 0 && yi != 1 {
			return Binomial{}, badValue("y", i, yi, "0 or 1")
		}
		if err := checkProb("p1", i, p); err != nil {
			return Binomial{}, err
		}
		var l, wy float64
		if yi == 1 {
			l, wy = -math.Log(Clip(p)), wi
			npos++
		} else {
			l, wy = -math.Log1p(-Clip(p)), -wi
		}
		sw.add(wi)
		sll.add(float64(wi * l))
		if p == 0 {
			p = 0 // -0 to +0, so that a threshold is never printed as -0
		}
		rows = append(rows, scored{s: p, wy: wy, i: int32(i)})
	}
	if len(rows) == 0 {
		return Binomial{}, fmt.Errorf("%w (of %d)", ErrNoRows, n)
	}
	if npos == 0 || npos == len(rows) {
		only := 0
		if npos > 0 {
			only = 1
		}
		return Binomial{}, fmt.Errorf("%w: all %d kept rows have y = %d", ErrOneClass, len(rows), only)
	}
	nobs := int64(len(rows))
	c := curves(rows)

	cm := newConfusionSums(2)
	for i := range n {
		wi, _ := weight(w, i) // checked above
		if wi == 0 || math.IsNaN(y[i]) || math.IsNaN(p1[i]) {
			continue
		}
		pred := 0
		if p1[i] >= c.f1At {
			pred = 1
		}
		cm.add(int(y[i]), pred, wi)
	}
	return Binomial{
		AUC:             c.auc,
		AUCPR:           c.aucpr,
		Logloss:         sll.value() / sw.value(),
		F1Threshold:     c.f1At,
		F1:              c.f1,
		ConfusionMatrix: cm.matrix(labels),
		NObs:            nobs,
	}, nil
}
