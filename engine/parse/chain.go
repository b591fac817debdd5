package parse

import (
	"errors"
	"sync"
)

// Chain reports whether a range's result may follow a range that ended at
// prevEnd. It holds when r began at the record boundary where the previous
// range stopped. Otherwise r's start was a guess that landed inside a record
// (a quoted field with a newline in it), or r began in the middle of the
// previous range's last record; either way r must be parsed again with
// ParseRange(data, prevEnd, end, RangeOptions{AtRecordStart: true}).
func Chain(prevEnd int64, r *Result) bool {
	return r != nil && r.Start == prevEnd
}

// ParseAll is the in-process reference of the chaining protocol: it cuts data
// (a whole file) into ranges of rangeSize bytes, parses them with up to
// workers goroutines, then walks the chain in order, parsing again any range
// that does not follow its predecessor. It returns one result per range, in
// order; some may hold no rows. Error lines are made absolute (1-based in the
// file); Mismatch lines stay relative to their range.
func ParseAll(data []byte, setup *Setup, file string, rangeSize int, workers int) ([]*Result, error) {
	if rangeSize <= 0 {
		return nil, errors.New("parse: range size must be positive")
	}
	if err := setup.check(); err != nil {
		return nil, err
	}
	workers = max(workers, 1)
	nr := max((len(data)+rangeSize-1)/rangeSize, 1)
	results := make([]*Result, nr)
	errs := make([]error, nr)
	bounds := func(i int) (int, int) {
		return i * rangeSize, min((i+1)*rangeSize, len(data))
	}

	var wg sync.WaitGroup
	next := make(chan int)
	for range min(workers, nr) {
		wg.Go(func() {
			for i := range next {
				start, end := bounds(i)
				results[i], errs[i] = ParseRange(data, start, end, setup, RangeOptions{
					File: file, AtRecordStart: i == 0, SkipHeader: i == 0 && setup.Header, DataEndsFile: true,
				})
			}
		})
	}
	for i := range nr {
		next <- i
	}
	close(next)
	wg.Wait()

	// The walk is sequential because each range's validity depends on the
	// previous range's End. A re-parse is rare (it needs a quoted newline
	// near a range boundary), so the walk costs almost nothing.
	var prevEnd int64
	lines := 0
	for i := range nr {
		if i > 0 && (errs[i] != nil || !Chain(prevEnd, results[i])) {
			// When the previous range's last record ran past this whole
			// range, end < prevEnd and the range is empty.
			_, end := bounds(i)
			results[i], errs[i] = ParseRange(data, int(prevEnd), max(end, int(prevEnd)), setup, RangeOptions{
				File: file, AtRecordStart: true, DataEndsFile: true,
			})
		}
		if err := errs[i]; err != nil {
			var pe *Error
			if errors.As(err, &pe) {
				abs := *pe
				abs.Line += lines
				return nil, &abs
			}
			return nil, err
		}
		prevEnd = results[i].End
		lines += results[i].Lines
	}
	return results, nil
}
