package parse

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"

	"github.com/mlctl/mlctl/engine/frame"
)

// A Parquet file splits by row group instead of byte range: the engine asks
// ParquetSetup for the count and hands row groups to nodes. For Parquet
// results Start and End are the row group's first row and one past its last
// row in the file, Lines is 0 and Mismatch.Line is the 1-based row within the
// row group.

// pqKind is how a Parquet leaf column's values become engine values.
type pqKind uint8

const (
	pqNumber  pqKind = iota // int32, int64, float, double (as is)
	pqUnsign                // unsigned ints stored in int32/int64 bits
	pqBool                  // 0/1
	pqDecimal               // unscaled integer / 10^scale
	pqDate                  // days since epoch
	pqStamp                 // timestamp in units of unit ms
	pqInt96                 // legacy (Impala, Spark) timestamp
	pqText                  // byte array or fixed-length byte array
)

type pqColumn struct {
	name  string
	kind  pqKind
	phys  parquet.Kind
	scale int   // decimal
	div   int64 // timestamp: units per millisecond (1, 1000, 1e6)
}

func (c pqColumn) natural() frame.Type {
	switch c.kind {
	case pqText:
		return frame.Categorical
	case pqDate, pqStamp, pqInt96:
		return frame.Time
	}
	return frame.Numeric
}

func openParquet(r io.ReaderAt, size int64, file string) (*parquet.File, []pqColumn, error) {
	f, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, nil, fmt.Errorf("parse: %s: not a readable Parquet file: %w", file, err)
	}
	var cols []pqColumn
	for _, fld := range f.Schema().Fields() {
		if !fld.Leaf() || fld.Repeated() {
			return nil, nil, fmt.Errorf("parse: %s: column %q is nested or repeated; only flat Parquet schemas can be imported (flatten it first, e.g. with SELECT of leaf fields)", file, fld.Name())
		}
		c, err := pqColumnOf(fld.Name(), fld.Type())
		if err != nil {
			return nil, nil, fmt.Errorf("parse: %s: %w", file, err)
		}
		cols = append(cols, c)
	}
	if len(cols) == 0 {
		return nil, nil, fmt.Errorf("parse: %s: Parquet file has no columns", file)
	}
	return f, cols, nil
}

func pqColumnOf(name string, t parquet.Type) (pqColumn, error) {
	c := pqColumn{name: name, phys: t.Kind()}
	if lt := t.LogicalType(); lt != nil && lt.Value != nil {
		switch v := lt.Value.(type) {
		case *format.StringType, *format.EnumType, *format.JsonType:
			c.kind = pqText
			return c, nil
		case *format.DateType:
			c.kind = pqDate
			return c, nil
		case *format.TimestampType:
			c.kind = pqStamp
			switch v.Unit.Value.(type) {
			case *format.MicroSeconds:
				c.div = 1000
			case *format.NanoSeconds:
				c.div = 1000000
			default:
				c.div = 1
			}
			return c, nil
		case *format.DecimalType:
			c.kind, c.scale = pqDecimal, int(v.Scale)
			return c, nil
		case *format.IntType:
			if !v.IsSigned {
				c.kind = pqUnsign
			}
			return c, nil
		case *format.NullType:
			return c, nil
		default:
			return c, fmt.Errorf("column %q has Parquet type %s, which cannot be imported", name, lt)
		}
	}
	if ct := t.ConvertedType(); ct != nil {
		switch *ct {
		case deprecated.UTF8, deprecated.Enum, deprecated.Json:
			c.kind = pqText
			return c, nil
		case deprecated.Date:
			c.kind = pqDate
			return c, nil
		case deprecated.TimestampMillis, deprecated.TimestampMicros:
			c.kind, c.div = pqStamp, 1
			if *ct == deprecated.TimestampMicros {
				c.div = 1000
			}
			return c, nil
		case deprecated.Uint8, deprecated.Uint16, deprecated.Uint32, deprecated.Uint64:
			c.kind = pqUnsign
			return c, nil
		}
	}
	switch t.Kind() {
	case parquet.Boolean:
		c.kind = pqBool
	case parquet.Int32, parquet.Int64, parquet.Float, parquet.Double:
		c.kind = pqNumber
	case parquet.Int96:
		c.kind = pqInt96
	default:
		c.kind = pqText // raw bytes: the engine treats them as text labels
	}
	return c, nil
}

// ParquetSetup reads a Parquet file's schema and returns the setup for its
// columns and the number of row groups. Text columns are categorical unless
// the first row group shows them to be IDs or free text (the same rule as
// Guess); GuessOptions.ColTypes may turn a text column into any type, and any
// column into its natural type. Sep, Header and NAStrings do not apply.
func ParquetSetup(r io.ReaderAt, size int64, file string, opt GuessOptions) (*Setup, int, error) {
	f, cols, err := openParquet(r, size, file)
	if err != nil {
		return nil, 0, err
	}
	s := &Setup{Header: true, Types: make([]frame.Type, len(cols)), Overridden: make([]bool, len(cols))}
	for j, c := range cols {
		s.Names = append(s.Names, c.name)
		s.Types[j] = c.natural()
		if c.kind == pqText && len(f.RowGroups()) > 0 && textLooksLikeIDs(f.RowGroups()[0].ColumnChunks()[j]) {
			s.Types[j] = frame.String
		}
	}
	for name, ty := range opt.ColTypes {
		j := -1
		for k, n := range s.Names {
			if n == name {
				j = k
			}
		}
		if j < 0 {
			return nil, 0, fmt.Errorf("parse: %s: column %q given a type is not in the file; its columns are: %s", file, name, strings.Join(s.Names, ", "))
		}
		if cols[j].kind != pqText && ty != cols[j].natural() {
			return nil, 0, fmt.Errorf("parse: %s: column %q is %s in the Parquet file and can only be imported as %s", file, name, cols[j].phys, cols[j].natural())
		}
		if _, ok := frame.ParseType(string(ty)); !ok {
			return nil, 0, fmt.Errorf("parse: column %q: unknown type %q", name, ty)
		}
		s.Types[j], s.Overridden[j] = ty, true
	}
	return s, len(f.RowGroups()), nil
}

// textLooksLikeIDs applies Guess's string rule to the first values of a
// column chunk.
func textLooksLikeIDs(cc parquet.ColumnChunk) bool {
	distinct := map[string]struct{}{}
	n := 0
	_ = eachValue(cc, func(v parquet.Value) bool {
		if !v.IsNull() {
			distinct[string(v.ByteArray())] = struct{}{}
			n++
		}
		return n < 10000
	})
	return n >= stringMinRows && float64(len(distinct)) > stringDistinct*float64(n)
}

// eachValue calls fn on the column chunk's values in order until fn returns
// false. The values' bytes are only valid during the call.
func eachValue(cc parquet.ColumnChunk, fn func(parquet.Value) bool) error {
	pages := cc.Pages()
	defer pages.Close()
	buf := make([]parquet.Value, 1024)
	for {
		p, err := pages.ReadPage()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		vr := p.Values()
		for {
			n, err := vr.ReadValues(buf)
			for _, v := range buf[:n] {
				if !fn(v) {
					parquet.Release(p)
					return nil
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				parquet.Release(p)
				return err
			}
		}
		parquet.Release(p)
	}
}

// ParseParquetRowGroup reads one row group into columns typed by setup.
func ParseParquetRowGroup(r io.ReaderAt, size int64, rowGroup int, setup *Setup, file string) (*Result, error) {
	f, cols, err := openParquet(r, size, file)
	if err != nil {
		return nil, err
	}
	groups := f.RowGroups()
	if rowGroup < 0 || rowGroup >= len(groups) {
		return nil, fmt.Errorf("parse: %s: row group %d of %d", file, rowGroup, len(groups))
	}
	if len(setup.Names) != len(cols) || len(setup.Types) != len(cols) {
		return nil, fmt.Errorf("parse: %s: setup has %d columns, the file %d", file, len(setup.Types), len(cols))
	}
	var first int64
	for _, g := range groups[:rowGroup] {
		first += g.NumRows()
	}
	g := groups[rowGroup]
	rows := int(g.NumRows())
	res := &Result{Start: first, End: first + int64(rows), Rows: rows, Cols: make([]Column, len(cols))}
	p := &rangeParser{setup: setup, opt: RangeOptions{File: file}, na: naSet{}}
	p.cols = make([]colBuilder, len(cols))
	for j, c := range cols {
		if setup.Names[j] != c.name {
			return nil, fmt.Errorf("parse: %s: column %d is %q, the setup says %q", file, j+1, c.name, setup.Names[j])
		}
		if err := p.parquetColumn(j, c, g.ColumnChunks()[j], rows); err != nil {
			return nil, err
		}
	}
	tmp := p.result(first, first+int64(rows), 0)
	res.Cols, res.Mismatches = tmp.Cols, tmp.Mismatches
	return res, nil
}

func (p *rangeParser) parquetColumn(j int, c pqColumn, cc parquet.ColumnChunk, rows int) error {
	b := &p.cols[j]
	b.overridden = j < len(p.setup.Overridden) && p.setup.Overridden[j]
	ty := p.setup.Types[j]
	switch {
	case c.kind == pqText && ty == frame.Categorical:
		b.kind, b.codes, b.dict = kCategorical, make([]int32, 0, rows), newCatDict()
	case c.kind == pqText && ty == frame.String:
		b.kind, b.offs, b.strNA = kString, make([]int, 1, rows+1), make([]bool, 0, rows)
	case c.kind == pqText && ty == frame.Time:
		b.kind, b.floats = kTime, make([]float64, 0, rows)
	case c.kind == pqText:
		b.kind, b.floats = kNumeric, make([]float64, 0, rows)
	case ty != c.natural():
		return fmt.Errorf("parse: %s: column %q is %s in the Parquet file; the setup says %s", p.opt.File, c.name, c.phys, ty)
	default:
		b.kind, b.floats = kNumeric, make([]float64, 0, rows)
	}
	row := 0
	var ferr error
	err := eachValue(cc, func(v parquet.Value) bool {
		row++
		if c.kind == pqText {
			if v.IsNull() {
				ferr = p.store(j, nil, row) // the empty field is NA for every type
			} else {
				ferr = p.store(j, v.ByteArray(), row)
			}
			return ferr == nil
		}
		b.floats = append(b.floats, pqFloat(c, v))
		return true
	})
	if err == nil {
		err = ferr
	}
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			pe.Msg = strings.Replace(pe.Msg, "line", "row", 1) + " (row group rows are numbered from 1)"
			return pe
		}
		return fmt.Errorf("parse: %s: column %q: %w", p.opt.File, c.name, err)
	}
	if row != rows {
		return fmt.Errorf("parse: %s: column %q has %d values for %d rows", p.opt.File, c.name, row, rows)
	}
	return nil
}

func pqFloat(c pqColumn, v parquet.Value) float64 {
	if v.IsNull() {
		return math.NaN()
	}
	switch c.kind {
	case pqBool:
		if v.Boolean() {
			return 1
		}
		return 0
	case pqUnsign:
		if c.phys == parquet.Int32 {
			return float64(v.Uint32())
		}
		return float64(v.Uint64())
	case pqDate:
		return float64(int64(v.Int32()) * 86400000)
	case pqStamp:
		return float64(floorDiv(v.Int64(), c.div))
	case pqInt96:
		x := v.Int96()
		nanos := int64(uint64(x[1])<<32 | uint64(x[0]))
		return float64((int64(x[2])-2440588)*86400000 + floorDiv(nanos, 1000000))
	case pqDecimal:
		return decimalFloat(c, v)
	}
	switch c.phys {
	case parquet.Int32:
		return float64(v.Int32())
	case parquet.Int64:
		return float64(v.Int64())
	case parquet.Float:
		return float64(v.Float())
	}
	return v.Double()
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// decimalFloat returns the float64 nearest the decimal. Small unscaled
// values take one correctly rounded division; the rest go through big.Rat,
// which also rounds correctly.
func decimalFloat(c pqColumn, v parquet.Value) float64 {
	var unscaled *big.Int
	switch c.phys {
	case parquet.Int32, parquet.Int64:
		u := v.Int64()
		if c.phys == parquet.Int32 {
			u = int64(v.Int32())
		}
		if u > -1<<53 && u < 1<<53 && c.scale >= 0 && c.scale <= 22 {
			return float64(u) / pow10[c.scale]
		}
		unscaled = big.NewInt(u)
	default: // big-endian two's complement bytes
		b := v.ByteArray()
		unscaled = new(big.Int).SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 {
			unscaled.Sub(unscaled, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
		}
	}
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(c.scale, 0))), nil)
	f, _ := new(big.Rat).SetFrac(unscaled, den).Float64()
	return f
}
