package score

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/engine/parse"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
)

// naStats counts, per model input, the values scored as NA although the
// input had a value there: categorical levels the model never saw, and
// numeric (or time) values that do not parse.
type naStats struct {
	names      []string
	unseen     []int64
	unparsable []int64
	rows       int64
}

func newNAStats(pl *plan) *naStats {
	s := &naStats{unseen: make([]int64, len(pl.inputs)), unparsable: make([]int64, len(pl.inputs))}
	for _, mi := range pl.inputs {
		s.names = append(s.names, mi.name)
	}
	return s
}

func (s *naStats) add(pl *plan, b *block) {
	s.rows += int64(b.res.Rows)
	for k, u := range b.sc.unseen {
		s.unseen[k] += int64(u.count)
	}
	for _, m := range b.res.Mismatches {
		if m.Column < len(pl.byCol) {
			if k := pl.byCol[m.Column]; k >= 0 {
				s.unparsable[k] += int64(m.Count)
			}
		}
	}
}

// summary is the line printed at the end: the rows scored and, when any
// value was scored as NA, how many per column.
func (s *naStats) summary() string {
	var parts []string
	for k, name := range s.names {
		var what []string
		if n := s.unseen[k]; n > 0 {
			what = append(what, plural(n, "unseen level", "unseen levels"))
		}
		if n := s.unparsable[k]; n > 0 {
			what = append(what, plural(n, "unparsable value", "unparsable values"))
		}
		if len(what) > 0 {
			parts = append(parts, name+" "+strings.Join(what, " and "))
		}
	}
	msg := "scored " + plural(s.rows, "row", "rows")
	if len(parts) > 0 {
		msg += "; as NA: " + strings.Join(parts, ", ")
	}
	return msg
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return commas(n) + " " + many
}

// commas writes n with thousands separators.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// firstNA is --strict's check: the block's first value that would be
// scored as NA, as an error naming its line (row, for Parquet), column
// and value.
func (p *pipeline) firstNA(b *block) error {
	type hit struct {
		pos  int // line (text) or row (Parquet), 1-based, absolute
		k    int
		what string
	}
	var first *hit
	consider := func(h hit) {
		if first == nil || h.pos < first.pos || (h.pos == first.pos && h.k < first.k) {
			first = &h
		}
	}
	for _, m := range b.res.Mismatches {
		if m.Column >= len(p.plan.byCol) || p.plan.byCol[m.Column] < 0 {
			continue
		}
		k := p.plan.byCol[m.Column]
		what := "is not a number"
		if p.plan.inputs[k].time {
			what = "is not a date or time"
		}
		pos := p.lines + m.Line
		if p.in.kind == kindParquet {
			pos = int(p.rows) + m.Line
		}
		consider(hit{pos, k, fmt.Sprintf("%s %s", strconv.Quote(m.Value), what)})
	}
	for k, u := range b.sc.unseen {
		if u.count == 0 {
			continue
		}
		pos := int(p.rows) + u.row + 1
		if p.in.kind == kindText {
			pos = p.lines + p.rowLine(b, u.row)
		}
		consider(hit{pos, k, fmt.Sprintf("level %s is not one the model was trained on", strconv.Quote(u.value))})
	}
	if first == nil {
		return nil
	}
	where := fmt.Sprintf("%s:%d", p.in.name, first.pos)
	if p.in.kind == kindParquet {
		where = fmt.Sprintf("%s: row %d", p.in.name, first.pos)
	}
	return errs.New(errs.Usage, fmt.Errorf("%s: column %q: %s", where, p.plan.inputs[first.k].name, first.what),
		"without --strict such values are scored as missing (NA) and counted")
}

// rowLine finds the line (1-based, relative to the block) where the
// block's row r begins: the smallest prefix of the block in which row r
// starts, found by bisection. It reparses the block a few dozen times, so
// it is only for --strict's one error.
func (p *pipeline) rowLine(b *block, r int) int {
	s := p.plan.setup
	opt := parse.RangeOptions{AtRecordStart: true, SkipHeader: b.first && s.Header, DataEndsFile: true}
	lo, hi := b.start+1, len(b.data)
	for lo < hi {
		mid := lo + (hi-lo)/2
		res, err := parse.ParseRange(b.data, b.start, mid, s, opt)
		if err == nil && res.Rows > r {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	// Row r starts at byte lo-1.
	return 1 + bytes.Count(b.data[b.start:lo-1], []byte{'\n'})
}

// progress shows rows scored and the share of the input read, on a
// terminal only.
type progress struct {
	line *cmdutil.ProgressLine
	name string
}

func newProgress(ios *iostreams.IOStreams, in *input) *progress {
	if !ios.IsStderrTTY() {
		return &progress{}
	}
	return &progress{line: cmdutil.NewProgressLine(ios, true), name: path.Base(in.name)}
}

func (p *progress) update(rows int64, frac float64) {
	if p.line == nil {
		return
	}
	text := fmt.Sprintf("scoring %s  %s rows", p.name, commas(rows))
	if frac >= 0 {
		text = fmt.Sprintf("scoring %s %s %3.0f%%  %s rows", p.name, cmdutil.Bar(frac, 30), 100*min(frac, 1), commas(rows))
	}
	p.line.Set("", text)
}

func (p *progress) done() {
	if p.line != nil {
		p.line.Done()
	}
}
