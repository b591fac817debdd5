package score

import (
	"fmt"
	"io"
	"reflect"
	"strconv"

	"github.com/mlctl/mlctl/internal/errs"
	"github.com/parquet-go/parquet-go"
)

type colKind uint8

const (
	colText  colKind = iota // kept columns, a classifier's label
	colFloat                // a regression's value, probabilities, contributions
)

type outCol struct {
	name string
	kind colKind
	null bool // may hold no value (kept columns)
}

// outputColumns are the output's columns: the kept ones, "predict",
// "p_<class>" per class, then the contributions.
func outputColumns(pl *plan, sc *scorer) ([]outCol, error) {
	var cols []outCol
	for _, kc := range pl.keep {
		cols = append(cols, outCol{name: kc.name, kind: colText, null: true})
	}
	predict := outCol{name: "predict", kind: colFloat}
	if len(sc.schema.Classes) > 0 {
		predict.kind = colText
	}
	cols = append(cols, predict)
	for _, c := range sc.schema.Classes {
		cols = append(cols, outCol{name: "p_" + c, kind: colFloat})
	}
	for _, n := range sc.contribs {
		cols = append(cols, outCol{name: n, kind: colFloat})
	}
	seen := map[string]bool{}
	for i, c := range cols {
		if seen[c.name] {
			if i < len(pl.keep) {
				return nil, errs.New(errs.Usage, fmt.Errorf("--keep %q twice", c.name), "")
			}
			return nil, errs.New(errs.Usage, fmt.Errorf("--keep %q: the output has a column of that name already", c.name), "keep the other columns, or rename this one in the input")
		}
		seen[c.name] = true
	}
	return cols, nil
}

// sink writes the scored blocks. encode runs in the workers (the costly
// part of formatting, in parallel); write runs in input order.
type sink interface {
	begin() error
	encode(sc *scored)
	write(sc *scored) error
	end() error
}

// csvSink writes delimited text, quoting a field as RFC 4180 does when it
// holds the separator, a quote or a line end.
type csvSink struct {
	w       io.Writer
	cols    []outCol
	sep     byte
	classes [][]byte // the labels, quoted as needed
}

func newCSVSink(w io.Writer, cols []outCol, sep byte, classes []string) *csvSink {
	s := &csvSink{w: w, cols: cols, sep: sep}
	for _, c := range classes {
		s.classes = append(s.classes, appendField(nil, c, sep))
	}
	return s
}

func (s *csvSink) begin() error {
	var b []byte
	for i, c := range s.cols {
		if i > 0 {
			b = append(b, s.sep)
		}
		b = appendField(b, c.name, s.sep)
	}
	_, err := s.w.Write(append(b, '\n'))
	return err
}

func (s *csvSink) encode(sc *scored) {
	b := make([]byte, 0, sc.n*16*len(s.cols))
	for r := 0; r < sc.n; r++ {
		for i := range sc.keep {
			if !sc.keepNA[i][r] {
				b = appendField(b, sc.keep[i][r], s.sep)
			}
			b = append(b, s.sep)
		}
		if sc.label != nil {
			b = append(b, s.classes[sc.label[r]]...)
		} else {
			b = strconv.AppendFloat(b, sc.out[0][r], 'g', -1, 64)
		}
		if sc.label != nil {
			for _, o := range sc.out {
				b = append(b, s.sep)
				b = strconv.AppendFloat(b, o[r], 'g', -1, 64)
			}
		}
		if w := len(sc.contrib) / max(sc.n, 1); w > 0 {
			for _, v := range sc.contrib[r*w : (r+1)*w] {
				b = append(b, s.sep)
				b = strconv.AppendFloat(b, v, 'g', -1, 64)
			}
		}
		b = append(b, '\n')
	}
	sc.csv = b
	sc.keep, sc.keepNA, sc.label, sc.out, sc.contrib = nil, nil, nil, nil, nil
}

func (s *csvSink) write(sc *scored) error {
	_, err := s.w.Write(sc.csv)
	return err
}

func (s *csvSink) end() error { return nil }

// appendField appends v, quoted when the parser would otherwise read it
// differently.
func appendField(b []byte, v string, sep byte) []byte {
	quote := false
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == sep || c == '"' || c == '\n' || c == '\r' {
			quote = true
			break
		}
	}
	if !quote {
		return append(b, v...)
	}
	b = append(b, '"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, v[i])
	}
	return append(b, '"')
}

// parquetSink writes a Parquet file with the columns in output order:
// text as (optional, for kept columns) strings, numbers as doubles.
type parquetSink struct {
	pw      *parquet.Writer
	cols    []outCol
	classes []string
	rows    []parquet.Row
}

func newParquetSink(w io.Writer, cols []outCol, classes []string) *parquetSink {
	g := &orderedGroup{}
	for _, c := range cols {
		var n parquet.Node = parquet.Leaf(parquet.DoubleType)
		if c.kind == colText {
			n = parquet.String()
		}
		if c.null {
			n = parquet.Optional(n)
		}
		g.fields = append(g.fields, namedField{Node: n, name: c.name})
	}
	schema := parquet.NewSchema("score", g)
	pw := parquet.NewWriter(w, schema, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(1<<20))
	return &parquetSink{pw: pw, cols: cols, classes: classes}
}

func (s *parquetSink) begin() error      { return nil }
func (s *parquetSink) encode(sc *scored) {}

func (s *parquetSink) write(sc *scored) error {
	const batch = 1024
	for lo := 0; lo < sc.n; lo += batch {
		hi := min(lo+batch, sc.n)
		s.rows = s.rows[:0]
		for r := lo; r < hi; r++ {
			row := make(parquet.Row, 0, len(s.cols))
			j := 0
			for i := range sc.keep {
				if sc.keepNA[i][r] {
					row = append(row, parquet.NullValue().Level(0, 0, j))
				} else {
					row = append(row, parquet.ByteArrayValue([]byte(sc.keep[i][r])).Level(0, 1, j))
				}
				j++
			}
			if sc.label != nil {
				row = append(row, parquet.ByteArrayValue([]byte(s.classes[sc.label[r]])).Level(0, 0, j))
				j++
				for _, o := range sc.out {
					row = append(row, parquet.DoubleValue(o[r]).Level(0, 0, j))
					j++
				}
			} else {
				row = append(row, parquet.DoubleValue(sc.out[0][r]).Level(0, 0, j))
				j++
			}
			if w := len(sc.contrib) / max(sc.n, 1); w > 0 {
				for _, v := range sc.contrib[r*w : (r+1)*w] {
					row = append(row, parquet.DoubleValue(v).Level(0, 0, j))
					j++
				}
			}
			s.rows = append(s.rows, row)
		}
		if _, err := s.pw.WriteRows(s.rows); err != nil {
			return err
		}
	}
	return nil
}

func (s *parquetSink) end() error { return s.pw.Close() }

// orderedGroup is a Parquet group whose fields keep the order given
// (parquet.Group, a map, sorts them by name).
type orderedGroup struct {
	parquet.Group
	fields []parquet.Field
}

func (g *orderedGroup) Fields() []parquet.Field { return g.fields }

type namedField struct {
	parquet.Node
	name string
}

func (f namedField) Name() string { return f.name }

// Value is not used: rows are written as parquet.Row, not Go values.
func (f namedField) Value(reflect.Value) reflect.Value { return reflect.Value{} }
