package score

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/mlctl/mlctl/engine/parse"
)

const (
	defaultBlockSize = 1 << 20
	defaultMaxRecord = 64 << 20
	// sampleBytes is what the type and separator guess reads, as much as
	// the cluster's import reads (engine/leader's sampleBytes), so that a
	// file is guessed alike by both.
	sampleBytes = 256 << 10
)

// block is a piece of the input that workers parse and score on their own
// and the sequencer accepts in order.
type block struct {
	seq int
	// Text: data[start:] holds whole lines of the input. A block that does
	// not begin the file has start 1 and data[0] = '\n' (the end of the
	// line before), so the parser sees a line start and not a file start
	// (no byte-order mark test, no header).
	data  []byte
	start int
	first bool // begins the file (its header, if any, is skipped)
	last  bool // ends the file
	// Parquet: the row group.
	group int

	done chan struct{} // closed when a worker has filled the fields below
	res  *parse.Result
	err  error
	sc   *scored
}

// chunker cuts a text stream into blocks that end after a line end: the
// last line end within size bytes, or, when a line is longer than that,
// the first one after (up to max bytes).
type chunker struct {
	ctx     context.Context
	r       io.Reader
	size    int
	max     int
	pending []byte // read but not yet in a block
	eof     bool
	seq     int
	// lines counts the line ends handed out, for the message about a
	// line that is too long.
	lines int
}

// newChunker starts a chunker over r, with head (bytes already read from
// r) first.
func newChunker(ctx context.Context, r io.Reader, head []byte, size, max int, eof bool) *chunker {
	return &chunker{ctx: ctx, r: r, size: size, max: max, pending: head, eof: eof}
}

// fill reads until more than n bytes are pending or the input ends.
func (c *chunker) fill(n int) error {
	for !c.eof && len(c.pending) <= n {
		if err := c.ctx.Err(); err != nil {
			return err
		}
		if free := cap(c.pending) - len(c.pending); free < c.size/2+1 {
			grown := make([]byte, len(c.pending), len(c.pending)+max(c.size, len(c.pending)))
			copy(grown, c.pending)
			c.pending = grown
		}
		k, err := c.r.Read(c.pending[len(c.pending):cap(c.pending)])
		c.pending = c.pending[:len(c.pending)+k]
		if err == io.EOF {
			c.eof = true
		} else if err != nil {
			return err
		}
	}
	return nil
}

// next returns the next block, or nil after the last one.
func (c *chunker) next() (*block, error) {
	if err := c.fill(c.size); err != nil {
		return nil, err
	}
	if len(c.pending) == 0 && c.seq > 0 {
		return nil, nil
	}
	cut := bytes.LastIndexByte(c.pending[:min(len(c.pending), c.size)], '\n') + 1
	for from := min(c.size, len(c.pending)); cut == 0; {
		if i := bytes.IndexByte(c.pending[from:], '\n'); i >= 0 {
			cut = from + i + 1
			break
		}
		if c.eof {
			cut = len(c.pending)
			break
		}
		if len(c.pending) >= c.max {
			return nil, &parse.Error{Line: c.lines + 1, Msg: fmt.Sprintf("a line longer than %s bytes; is this a text file?", commas(int64(c.max)))}
		}
		from = len(c.pending)
		if err := c.fill(min(2*len(c.pending), c.max)); err != nil {
			return nil, err
		}
	}
	b := &block{seq: c.seq, first: c.seq == 0, done: make(chan struct{})}
	if !b.first {
		b.start = 1
	}
	b.data = make([]byte, b.start+cut)
	if !b.first {
		b.data[0] = '\n'
	}
	copy(b.data[b.start:], c.pending[:cut])
	c.pending = c.pending[cut:]
	b.last = c.eof && len(c.pending) == 0
	c.lines += bytes.Count(b.data[b.start:], []byte{'\n'})
	c.seq++
	return b, nil
}

// readHead reads up to sampleBytes from r and returns them with the sample
// the guess should see: cut after its last line end unless it is the
// whole input (as the cluster cuts its sample).
func readHead(r io.Reader) (head, sample []byte, eof bool, err error) {
	head = make([]byte, sampleBytes)
	n, err := io.ReadFull(r, head)
	head = head[:n]
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		eof, err = true, nil
	default:
		return nil, nil, false, err
	}
	sample = head
	if !eof {
		if i := bytes.LastIndexByte(head, '\n'); i > 0 {
			sample = head[:i+1]
		}
	}
	return head, sample, eof, nil
}

// joined returns the block made of a (whose last record did not end in
// it) followed by b's lines.
func joined(a, b *block) *block {
	data := make([]byte, 0, len(a.data)+len(b.data)-b.start)
	data = append(append(data, a.data...), b.data[b.start:]...)
	return &block{seq: a.seq, data: data, start: a.start, first: a.first, last: b.last, done: b.done}
}
