package score

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/parse"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/scoring"
)

// plan says how INPUT's columns feed the model and the output: the parse
// setup with the types forced, where each model input is, how kept columns
// get their text.
type plan struct {
	setup *parse.Setup
	// keepSetup re-reads a block's kept columns as plain text, with no NA
	// tokens, for the rare block where the main pass cannot give their
	// text (an NA token, or a kept numeric column); nil without --keep.
	keepSetup *parse.Setup
	inputs    []modelInput // the scoring row: features in order, then the offset
	byCol     []int        // input column -> index in inputs, or -1
	keep      []keepCol
	cols      []outCol // the output's columns
	outSep    byte

	// Text input.
	head, sample []byte
	eof          bool
	blockSize    int
	maxRecord    int
	// Parquet input.
	groups int
}

// modelInput is one value of the scoring row.
type modelInput struct {
	name   string
	col    int // input column
	cat    bool
	levels map[string]int32 // cat: the model's code of each level
	time   bool             // read as a date or time (ms since the epoch), as the cluster does
}

type keepFrom uint8

const (
	keepString   keepFrom = iota // a string column of the main pass (NA: the keep pass)
	keepCategory                 // a categorical model input: its level (NA: the keep pass)
	keepPass                     // always from the keep pass (a numeric model input)
	keepNumber                   // Parquet numbers, formatted
)

type keepCol struct {
	name  string
	col   int
	from  keepFrom
	input int // keepCategory: index in inputs
}

// planFor reads what it needs of the input (the sample of text, the
// Parquet schema) and binds the model's schema to the input's columns.
func planFor(in *input, sc *scorer, opts *ScoreOptions) (*plan, error) {
	p := &plan{blockSize: opts.BlockSize, maxRecord: opts.MaxRecord}
	if p.blockSize <= 0 {
		p.blockSize = defaultBlockSize
	}
	if p.maxRecord <= 0 {
		p.maxRecord = defaultMaxRecord
	}
	var err error
	if in.kind == kindParquet {
		p.outSep = ','
		if opts.Sep != 0 {
			p.outSep = opts.Sep
		}
		err = protect(func() error {
			p.setup, p.groups, err = parse.ParquetSetup(in.ra, in.size, in.name, parse.GuessOptions{})
			return err
		})
		if err != nil {
			return nil, errs.New(errs.Usage, err, "")
		}
		if err := p.bind(in, sc, opts.Keep); err != nil {
			return nil, err
		}
	} else {
		p.head, p.sample, p.eof, err = readHead(in.text)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", in.name, err)
		}
		if p.setup, err = parse.Guess(p.sample, in.name, parse.GuessOptions{Sep: opts.Sep, Header: "auto"}); err != nil {
			return nil, dataError(in.name, 0, err)
		}
		if err := p.bind(in, sc, opts.Keep); err != nil {
			if p.setup.Header {
				return nil, err
			}
			if err := p.retryHeader(in, sc, opts); err != nil {
				return nil, err
			}
		} else {
			p.outSep = p.setup.Sep
		}
	}
	if p.cols, err = outputColumns(p, sc); err != nil {
		return nil, err
	}
	return p, nil
}

// retryHeader handles a first line the guess took for data: it is a
// header after all when it names every column the model needs (text
// columns only, say); otherwise the input has no header, which is what the
// error says.
func (p *plan) retryHeader(in *input, sc *scorer, opts *ScoreOptions) error {
	needed := modelNames(sc.schema)
	if s, err := parse.Guess(p.sample, in.name, parse.GuessOptions{Sep: opts.Sep, Header: "yes"}); err == nil && hasAll(s.Names, needed) {
		p.setup = s
		if err := p.bind(in, sc, opts.Keep); err != nil {
			return err
		}
		p.outSep = s.Sep
		return nil
	}
	first := string(p.sample)
	if i := strings.IndexAny(first, "\r\n"); i >= 0 {
		first = first[:i]
	}
	if len(first) > 80 {
		first = first[:80] + "..."
	}
	return errs.New(errs.Usage, fmt.Errorf("%s has no header line: its first line (%q) is data, but the model finds its columns by name", in.name, first),
		"add a first line naming the columns: "+listNames(needed, 12))
}

// modelNames are the columns the model reads: its features, then its
// offset column.
func modelNames(s *scoring.Schema) []string {
	names := make([]string, 0, s.RowLen())
	for _, f := range s.Features {
		names = append(names, f.Name)
	}
	if s.Offset != "" {
		names = append(names, s.Offset)
	}
	return names
}

func hasAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// bind finds the model's columns and the kept ones in p.setup and forces
// the types.
func (p *plan) bind(in *input, sc *scorer, keep []string) error {
	s := p.setup
	idx := make(map[string]int, len(s.Names))
	for j, n := range s.Names {
		idx[n] = j
	}
	parquet := in.kind == kindParquet
	text := func(j int) bool { return s.Types[j] == frame.Categorical || s.Types[j] == frame.String }
	names := modelNames(sc.schema)
	var missing []string
	for _, n := range names {
		if _, ok := idx[n]; !ok {
			missing = append(missing, strconv.Quote(n))
		}
	}
	if len(missing) > 0 {
		what := "column " + missing[0] + ", which the model uses"
		if len(missing) > 1 {
			what = "columns " + strings.Join(missing, ", ") + ", which the model uses"
		}
		if sc.schema.Offset != "" && slices.Contains(missing, strconv.Quote(sc.schema.Offset)) {
			what += " (" + strconv.Quote(sc.schema.Offset) + " is its offset column)"
		}
		return errs.New(errs.Usage, fmt.Errorf("%s has no %s; its columns are %s", in.name, what, listNames(s.Names, 20)),
			"score a file with the columns the model was trained on, named as in training")
	}

	types := make([]frame.Type, len(s.Types))
	for j, t := range s.Types {
		// Columns nobody reads: the cheapest type that parses them.
		types[j] = frame.Numeric
		switch {
		case parquet && !text(j):
			types[j] = t // Parquet numbers and times can only be read as themselves
		case !parquet && t == frame.Categorical:
			types[j] = frame.Categorical // a probe of a small dictionary
		}
	}
	p.inputs = p.inputs[:0]
	p.byCol = slices.Repeat([]int{-1}, len(s.Names))
	for k, n := range names {
		j := idx[n]
		mi := modelInput{name: n, col: j}
		isCat := k < len(sc.schema.Features) && sc.schema.Features[k].Type == scoring.Categorical
		switch {
		case isCat && parquet && !text(j):
			return errs.New(errs.Usage, fmt.Errorf("column %q of %s is %s, but the model takes it as categorical", n, in.name, s.Types[j]),
				"write the column as strings")
		case isCat:
			types[j] = frame.Categorical
			mi.cat = true
			dom := sc.schema.Features[k].Domain
			mi.levels = make(map[string]int32, len(dom))
			for c, l := range dom {
				mi.levels[l] = int32(c)
			}
		case s.Types[j] == frame.Time:
			// A date column the cluster imported as time and trained on as
			// numbers (ms since the epoch).
			types[j] = frame.Time
			mi.time = true
		default:
			types[j] = frame.Numeric
		}
		p.byCol[j] = len(p.inputs)
		p.inputs = append(p.inputs, mi)
	}

	p.keep = p.keep[:0]
	var unknown []string
	for _, n := range keep {
		j, ok := idx[n]
		if !ok {
			unknown = append(unknown, strconv.Quote(n))
			continue
		}
		kc := keepCol{name: n, col: j, from: keepString, input: p.byCol[j]}
		switch {
		case kc.input >= 0 && p.inputs[kc.input].cat:
			kc.from = keepCategory
		case parquet && (kc.input >= 0 || !text(j)):
			kc.from = keepNumber
		case kc.input >= 0:
			kc.from = keepPass
		default:
			types[j] = frame.String
		}
		p.keep = append(p.keep, kc)
	}
	if len(unknown) > 0 {
		return errs.New(errs.Usage, fmt.Errorf("--keep %s: %s has no such column; its columns are %s", strings.Join(unknown, ","), in.name, listNames(s.Names, 20)), "")
	}

	main := *s
	main.Types = types
	main.Overridden = slices.Repeat([]bool{true}, len(types))
	p.setup = &main
	p.keepSetup = nil
	if len(p.keep) > 0 && !parquet {
		ks := main
		ks.NAStrings = nil // every token is text; only the empty field is NA
		ks.Types = make([]frame.Type, len(types))
		for j := range types {
			ks.Types[j] = frame.Numeric
			if s.Types[j] == frame.Categorical {
				ks.Types[j] = frame.Categorical
			}
		}
		for _, kc := range p.keep {
			ks.Types[kc.col] = frame.String
		}
		p.keepSetup = &ks
	}
	return nil
}

// listNames quotes up to max names, saying how many more there are.
func listNames(names []string, max int) string {
	var q []string
	for i, n := range names {
		if i == max {
			q = append(q, fmt.Sprintf("and %d more", len(names)-max))
			break
		}
		q = append(q, strconv.Quote(n))
	}
	return strings.Join(q, ", ")
}

// dataError makes a parse error a data error (exit 2) whose line number is
// absolute: lines is the count of lines before the range it came from.
func dataError(file string, lines int, err error) error {
	var pe *parse.Error
	if errors.As(err, &pe) {
		abs := *pe
		abs.Line += lines
		if abs.File == "" {
			abs.File = file
		}
		return errs.New(errs.Usage, &abs, "")
	}
	return errs.New(errs.Usage, err, "")
}

// protect turns a panic in fn (a Parquet reader meeting a hostile file)
// into an error.
func protect(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unreadable input: %v", r)
		}
	}()
	return fn()
}
