package mr

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// ForEach calls fn(0..n-1) on up to GOMAXPROCS goroutines and returns the
// error of the lowest index that failed (so errors are deterministic too).
func ForEach(ctx context.Context, n int, fn func(i int) error) error {
	return ForEachWorker(ctx, n, func(_, i int) error { return fn(i) })
}

// Workers is the number of goroutines ForEachWorker uses for n items.
func Workers(n int) int { return max(1, min(runtime.GOMAXPROCS(0), n)) }

// ForEachWorker is ForEach that also tells fn which worker (0..Workers(n)-1)
// runs it, so fn can use per-worker scratch without locks.
func ForEachWorker(ctx context.Context, n int, fn func(worker, i int) error) error {
	if n <= 0 {
		return nil
	}
	workers := Workers(n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := ctx.Err(); err != nil {
					errs[i] = context.Cause(ctx)
					continue
				}
				errs[i] = Protect(func() error { return fn(w, i) })
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// PanicError is a task that panicked on a node: a bug, returned as an error
// so the node (and the cluster) goes on.
type PanicError struct {
	Value any
	Stack string
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("internal error in a task (a bug; the node log has the stack): %v", e.Value)
}

// Protect runs fn, turning a panic into a *PanicError.
func Protect(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: string(debug.Stack())}
		}
	}()
	return fn()
}
