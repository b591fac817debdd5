package metrics

import (
	"cmp"
	"slices"
)

// scored is one kept row for the curve metrics, 24 bytes so that sorting a
// million of them stays well under a second.
type scored struct {
	s  float64 // score p1, never NaN, never -0
	wy float64 // the row's weight (> 0) for y = 1, minus it for y = 0
	i  int32   // row index, the tie-break that makes the order total
}

// byScoreDesc orders by score, highest first, then by row index. The order
// is total, so the sorted result is unique whatever the sort algorithm.
func byScoreDesc(a, b scored) int {
	if a.s != b.s {
		if a.s > b.s {
			return -1
		}
		return 1
	}
	return cmp.Compare(a.i, b.i)
}

// curve holds the metrics read off the ROC and precision-recall curves.
type curve struct {
	auc, aucpr float64
	f1, f1At   float64
}

// curves sorts rows (in place) and walks the distinct scores from the highest
// down. Each distinct score t is one point of both curves: TP(t) and FP(t) are
// the weights of positives and negatives with score >= t. With P and N the
// totals,
//
//	AUC   = sum over points of dFP * (TP_prev + TP) / 2, over P*N (trapezoids:
//	        a tie between a positive and a negative counts one half)
//	AUCPR = sum over points of dTP * TP/(TP+FP), over P (average precision)
//	F1    = 2TP / (2TP + FP + FN), FN = P - TP; the first maximum met is kept,
//	        so a tie goes to the highest threshold.
//
// Each point has TP+FP > 0 because every kept row has a positive weight. The
// caller has checked that P > 0 and N > 0.
func curves(rows []scored) curve {
	slices.SortFunc(rows, byScoreDesc)

	// F1 needs P before the walk ends. A first walk sums it exactly as the
	// second sums TP, so the last point has recall exactly 1 and FN exactly 0.
	var ptot sum
	for j := 0; j < len(rows); {
		var gp float64
		j, gp, _ = group(rows, j)
		ptot.add(gp)
	}
	P := ptot.value()

	var tp, fp, area, ap sum
	best, bestAt := -1.0, 0.0
	for j := 0; j < len(rows); {
		t := rows[j].s
		var gp, gn float64
		j, gp, gn = group(rows, j)
		prevTP := tp.value()
		tp.add(gp)
		fp.add(gn)
		TP, FP := tp.value(), fp.value()
		if gn > 0 {
			area.add(float64(gn * (prevTP + TP)))
		}
		if gp > 0 {
			ap.add(float64(gp * (TP / (TP + FP))))
		}
		if f1 := 2 * TP / (2*TP + FP + (P - TP)); f1 > best {
			best, bestAt = f1, t
		}
	}
	N := fp.value()
	return curve{
		auc:   area.value() / (2 * P * N),
		aucpr: ap.value() / P,
		f1:    best,
		f1At:  bestAt,
	}
}

// group sums the positive and negative weight of the rows sharing
// rows[j]'s score and returns the index after them.
func group(rows []scored, j int) (end int, pos, neg float64) {
	t := rows[j].s
	var gp, gn sum
	for ; j < len(rows) && rows[j].s == t; j++ {
		if w := rows[j].wy; w > 0 {
			gp.add(w)
		} else {
			gn.add(-w)
		}
	}
	return j, gp.value(), gn.value()
}
