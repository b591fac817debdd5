package mr

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestTreeReduceShapeDependsOnlyOnLength(t *testing.T) {
	// Float addition is not associative: a fixed tree must give the same bits
	// every time, and a different grouping generally does not.
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 7, 64, 1000} {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)))
		}
		add := func(a, b float64) float64 { return a + b }
		want := TreeReduce(xs, add)
		for k := 0; k < 5; k++ {
			if got := TreeReduce(append([]float64(nil), xs...), add); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("n=%d: %v then %v", n, want, got)
			}
		}
	}
	// The tree is ((a b)(c (d e))) for 5 leaves: check the order with strings.
	got := TreeReduce([]string{"a", "b", "c", "d", "e"}, func(a, b string) string { return "(" + a + b + ")" })
	if got != "((ab)(c(de)))" {
		t.Fatalf("tree shape %s", got)
	}
}

func TestForEachReturnsLowestIndexError(t *testing.T) {
	for trial := 0; trial < 20; trial++ {
		err := ForEach(context.Background(), 50, func(i int) error {
			if i%7 == 3 {
				return fmt.Errorf("fail %d", i)
			}
			return nil
		})
		if err == nil || err.Error() != "fail 3" {
			t.Fatalf("got %v, want fail 3", err)
		}
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cause := errors.New("node lost")
	cancel(cause)
	if err := ForEach(ctx, 3, func(int) error { return nil }); !errors.Is(err, cause) {
		t.Fatalf("cancelled: got %v", err)
	}
	if err := ForEach(context.Background(), 0, func(int) error { return errors.New("x") }); err != nil {
		t.Fatal(err)
	}
}
