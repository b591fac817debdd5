package score

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlctl/mlctl/engine/parse"
	"github.com/mlctl/mlctl/internal/errs"
)

// pipeline reads blocks, has workers parse and score them, and accepts
// them in input order: it checks that each text block began where the one
// before ended, counts NAs, writes.
type pipeline struct {
	ctx      context.Context
	in       *input
	plan     *plan
	scorer   *scorer
	sink     sink
	workers  int
	strict   bool
	stats    *naStats
	progress func(rows int64, frac float64)

	lines int   // lines in the accepted blocks (text)
	rows  int64 // rows in the accepted blocks

	times *phaseTimes // nil unless a benchmark measures the phases
}

// phaseTimes sums the time the workers spend in each phase, for
// BenchmarkScoreCSV's split between parsing and the model.
type phaseTimes struct {
	parse, model, format atomic.Int64 // ns
}

func (t *phaseTimes) since(d *atomic.Int64, t0 time.Time) time.Time {
	now := time.Now()
	d.Add(int64(now.Sub(t0)))
	return now
}

// run scores the whole input. At most workers+4 blocks are in memory.
func (p *pipeline) run() error {
	ctx, cancel := context.WithCancel(p.ctx)
	defer cancel()
	next := p.textBlocks(ctx)
	if p.in.kind == kindParquet {
		next = p.parquetBlocks()
	}
	queue := make(chan *block, p.workers+2) // in input order, to the sequencer
	work := make(chan *block)               // to the workers
	var readErr error                       // written before queue is closed
	go func() {
		defer close(queue)
		defer close(work)
		for {
			b, err := next()
			if err != nil || b == nil {
				readErr = err
				return
			}
			select {
			case queue <- b:
			case <-ctx.Done():
				return
			}
			select {
			case work <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range p.workers {
		wg.Go(func() {
			for {
				select {
				case b, ok := <-work:
					if !ok {
						return
					}
					p.process(b)
					close(b.done)
				case <-ctx.Done():
					return
				}
			}
		})
	}
	// The reader may be blocked in a read when the sequencer stops early;
	// it is not waited for (it ends when the input is closed), the workers
	// are, so that none is still writing into a block.
	defer func() {
		cancel()
		wg.Wait()
	}()
	err := p.sequence(ctx, queue)
	if err == nil && readErr != nil {
		err = p.readError(readErr)
	}
	if err == nil {
		err = p.ctx.Err()
	}
	return err
}

func (p *pipeline) textBlocks(ctx context.Context) func() (*block, error) {
	pl := p.plan
	if p.in.kind != kindText {
		return nil
	}
	return newChunker(ctx, p.in.text, pl.head, pl.blockSize, pl.maxRecord, pl.eof).next
}

func (p *pipeline) parquetBlocks() func() (*block, error) {
	g := 0
	return func() (*block, error) {
		if g >= p.plan.groups {
			return nil, nil
		}
		b := &block{seq: g, group: g, first: g == 0, last: g == p.plan.groups-1, done: make(chan struct{})}
		g++
		return b, nil
	}
}

// process parses and scores one block (in a worker, or in the sequencer
// for blocks it joined). A panic is an internal error, not a crash.
func (p *pipeline) process(b *block) {
	defer func() {
		if r := recover(); r != nil {
			b.res, b.sc, b.err = nil, nil, fmt.Errorf("internal error scoring block %d of %s: %v", b.seq, p.in.name, r)
		}
	}()
	var t0 time.Time
	if p.times != nil {
		t0 = time.Now()
	}
	b.res, b.err = p.parse(b, p.plan.setup)
	if b.err != nil {
		if !errors.Is(b.err, parse.ErrNeedMore) {
			b.err = &parseError{b.err}
		}
		return
	}
	if p.times != nil {
		t0 = p.times.since(&p.times.parse, t0)
	}
	b.sc, b.err = p.scorer.score(p.plan, b.res, func() (*parse.Result, error) { return p.parse(b, p.plan.keepSetup) })
	if b.err != nil {
		return
	}
	if p.times != nil {
		t0 = p.times.since(&p.times.model, t0)
	}
	p.sink.encode(b.sc)
	if p.times != nil {
		p.times.since(&p.times.format, t0)
	}
	// The sequencer needs the counts, not the columns: let them go now
	// rather than when the block is written.
	b.res.Cols = nil
}

// parseError marks an error as the input's fault.
type parseError struct{ err error }

func (e *parseError) Error() string { return e.err.Error() }
func (e *parseError) Unwrap() error { return e.err }

func (p *pipeline) parse(b *block, s *parse.Setup) (*parse.Result, error) {
	if p.in.kind == kindParquet {
		return parse.ParseParquetRowGroup(p.in.ra, p.in.size, b.group, s, p.in.name)
	}
	return parse.ParseRange(b.data, b.start, len(b.data), s, parse.RangeOptions{
		File: p.in.name, AtRecordStart: true, SkipHeader: b.first && s.Header, DataEndsFile: b.last,
	})
}

// sequence takes the blocks in input order. A text block whose last
// record does not end in it (the cut was inside a quoted field) waits for
// the next one; the two are joined and parsed again, and the next block's
// own result, made on a wrong guess of where its records start, is
// dropped.
func (p *pipeline) sequence(ctx context.Context, queue <-chan *block) error {
	var carry *block
	for b := range queue {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if carry != nil {
			b = joined(carry, b)
			carry = nil
			p.process(b)
		}
		if errors.Is(b.err, parse.ErrNeedMore) && !b.last {
			if len(b.data)-b.start > p.plan.maxRecord {
				return errs.New(errs.Usage, &parse.Error{File: p.in.name, Line: p.lines + 1,
					Msg: fmt.Sprintf("a record runs on for more than %s bytes: a quote that is never closed?", commas(int64(p.plan.maxRecord)))}, "")
			}
			carry = b
			continue
		}
		if b.err != nil {
			return p.blockError(b.err)
		}
		if err := p.accept(b); err != nil {
			return err
		}
	}
	if carry != nil {
		// The input ended right after a block whose last record did not
		// end: parse it once more as the end of the file, which makes an
		// unclosed quote an error instead of a request for more.
		carry.last = true
		p.process(carry)
		if carry.err != nil {
			return p.blockError(carry.err)
		}
		return p.accept(carry)
	}
	return nil
}

func (p *pipeline) blockError(err error) error {
	var pe *parseError
	if !errors.As(err, &pe) {
		return err
	}
	if p.in.kind == kindParquet {
		return errs.New(errs.Usage, pe.err, "")
	}
	return dataError(p.in.name, p.lines, pe.err)
}

func (p *pipeline) readError(err error) error {
	var pe *parse.Error
	if errors.As(err, &pe) {
		return dataError(p.in.name, 0, pe)
	}
	if errs.Code(err) != errs.Error {
		return err
	}
	return fmt.Errorf("reading %s: %w", p.in.name, err)
}

// accept counts the block's NAs (with --strict, fails on the first),
// writes it and moves the line and row counts on.
func (p *pipeline) accept(b *block) error {
	if p.strict {
		if err := p.firstNA(b); err != nil {
			return err
		}
	}
	p.stats.add(p.plan, b)
	if err := p.sink.write(b.sc); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	p.lines += b.res.Lines
	p.rows += int64(b.res.Rows)
	if p.progress != nil {
		frac := -1.0
		switch {
		case p.in.kind == kindParquet:
			frac = float64(b.group+1) / float64(p.plan.groups)
		case p.in.size > 0:
			frac = float64(p.in.read.Load()) / float64(p.in.size)
		}
		p.progress(p.rows, frac)
	}
	b.data, b.res, b.sc = nil, nil, nil
	return nil
}
