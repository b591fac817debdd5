package metrics

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Errors wrapped by every failure, for errors.Is; the message says which
// argument and row.
var (
	ErrLength   = errors.New("metrics: length mismatch")
	ErrBadValue = errors.New("metrics: bad value")
	ErrNoRows   = errors.New("metrics: no rows with a response, a prediction and a positive weight")
	ErrOneClass = errors.New("metrics: AUC needs both classes")
)

// clipEps is scikit-learn's log_loss eps before 1.2.
const clipEps = 1e-15

// Clip clamps a probability to [1e-15, 1-1e-15], the range logloss is taken
// over, so that a confident wrong prediction costs about 34.5 rather than
// +Inf. NaN stays NaN.
func Clip(p float64) float64 {
	if p < clipEps {
		return clipEps
	}
	if p > 1-clipEps {
		return 1 - clipEps
	}
	return p
}

// sum is a Kahan–Babuška (Neumaier) compensated sum. Unlike plain Kahan it
// stays exact when an addend is larger than the running total.
type sum struct{ s, c float64 }

func (k *sum) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *sum) value() float64 { return k.s + k.c }

func checkLen(n int, name string, m int) error {
	if m != n {
		return fmt.Errorf("%w: len(%s) = %d, want %d (len(y))", ErrLength, name, m, n)
	}
	return nil
}

// checkWeights checks w's length; w == nil is fine.
func checkWeights(n int, w []float64) error {
	if w == nil {
		return nil
	}
	return checkLen(n, "w", len(w))
}

// weight is row i's weight, or an error for a negative, NaN or infinite one.
func weight(w []float64, i int) (float64, error) {
	if w == nil {
		return 1, nil
	}
	v := w[i]
	if !(v >= 0) || math.IsInf(v, 1) {
		return 0, fmt.Errorf("%w: w[%d] = %v, want a finite weight >= 0", ErrBadValue, i, v)
	}
	return v, nil
}

func badValue(name string, i int, v float64, want string) error {
	return fmt.Errorf("%w: %s[%d] = %v, want %s", ErrBadValue, name, i, v, want)
}

// checkProb checks a non-NaN probability.
func checkProb(name string, i int, p float64) error {
	if p >= 0 && p <= 1 {
		return nil
	}
	return badValue(name, i, p, "a probability in [0, 1]")
}

// classLabels returns labels, or "0".."k-1" when labels is nil.
func classLabels(labels []string, k int) ([]string, error) {
	if labels == nil {
		out := make([]string, k)
		for i := range out {
			out[i] = strconv.Itoa(i)
		}
		return out, nil
	}
	if len(labels) != k {
		return nil, fmt.Errorf("%w: len(labels) = %d, want %d (one per class)", ErrLength, len(labels), k)
	}
	return append([]string(nil), labels...), nil
}
