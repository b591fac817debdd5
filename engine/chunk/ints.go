package chunk

type integer interface{ int8 | int16 | int32 | int64 }

// intChunk stores row i as data[i]; its value is float64(data[i]+bias) /
// 10^scale. When hasNA, the width's minimum is the NA sentinel; without NA
// the minimum is an ordinary value, which buys one more code (e.g. bytes
// 0..255 still fit Int8 when none is missing).
type intChunk[T integer] struct {
	numeric
	data  []T
	bias  int64
	scale uint8
	hasNA bool
	na    T // sentinel[T](), kept so per-row methods need not recompute it
	enc   Encoding
}

// sentinel is the minimum of T: -1 shifted into the sign bit.
func sentinel[T integer]() T {
	return T(-1) << (8*widthOf[T]() - 1)
}

func widthOf[T integer]() int {
	switch encodingOf[T]() {
	case Int8:
		return 1
	case Int16:
		return 2
	case Int32:
		return 4
	}
	return 8
}

func encodingOf[T integer]() Encoding {
	switch any(T(0)).(type) {
	case int8:
		return Int8
	case int16:
		return Int16
	case int32:
		return Int32
	}
	return Int64
}

// newIntChunk allocates the n-row chunk of plan p for the encode passes
// (encodeInts, encodeIntCodes) to fill.
func newIntChunk[T integer](n int, st *numStats, p plan) *intChunk[T] {
	return &intChunk[T]{
		data:  make([]T, n),
		bias:  p.bias,
		scale: uint8(p.scale),
		hasNA: st.na > 0,
		na:    sentinel[T](),
		enc:   encodingOf[T](),
	}
}

// encodeInts is the second pass for the integer encodings. With a scale it
// re-checks exactness on the rows seen before the scale last grew: the stats
// pass verified those at a smaller scale only.
func encodeInts[T integer](vals []float64, st *numStats, p plan) (*intChunk[T], bool) {
	c := newIntChunk[T](len(vals), st, p)
	na, bias, data := c.na, p.bias, c.data
	if p.scale == 0 {
		for i, v := range vals {
			t := T(int64(v) - bias) // NaN converts to some value; replaced below
			if v != v {
				t = na
			}
			data[i] = t
		}
		return c, true
	}
	scale := pow10[p.scale]
	recheck := min(st.lastChange, len(vals))
	for i, v := range vals[:recheck] {
		if v != v {
			data[i] = na
			continue
		}
		if !exactAt(v, p.scale) {
			return nil, false
		}
		data[i] = T(int64(roundInt(float64(v*scale))) - bias)
	}
	rest := data[recheck:]
	for i, v := range vals[recheck:] {
		t := T(int64(roundInt(float64(v*scale))) - bias)
		if v != v {
			t = na
		}
		rest[i] = t
	}
	return c, true
}

func (c *intChunk[T]) Len() int           { return len(c.data) }
func (c *intChunk[T]) Encoding() Encoding { return c.enc }

func (c *intChunk[T]) MemBytes() int {
	return hdrBytes + len(c.data)*widthOf[T]()
}

func (c *intChunk[T]) IsNA(i int) bool {
	return c.hasNA && c.data[i] == c.na
}

func (c *intChunk[T]) Float(i int) float64 {
	x := c.data[i]
	if c.hasNA && x == c.na {
		return NA
	}
	v := float64(int64(x) + c.bias)
	if c.scale != 0 {
		v /= pow10[c.scale]
	}
	return v
}

// Floats has one loop per (NA, scale) combination so the common
// no-NA unscaled case is a bare convert-and-add.
func (c *intChunk[T]) Floats(dst []float64) []float64 {
	dst = grow(dst, len(c.data))
	bias := c.bias
	switch {
	case !c.hasNA && c.scale == 0:
		for i, x := range c.data {
			dst[i] = float64(int64(x) + bias)
		}
	case !c.hasNA:
		p := pow10[c.scale]
		for i, x := range c.data {
			dst[i] = float64(int64(x)+bias) / p
		}
	case c.scale == 0:
		na := c.na
		for i, x := range c.data {
			v := float64(int64(x) + bias)
			if x == na {
				v = NA
			}
			dst[i] = v
		}
	default:
		na, p := c.na, pow10[c.scale]
		for i, x := range c.data {
			v := float64(int64(x)+bias) / p
			if x == na {
				v = NA
			}
			dst[i] = v
		}
	}
	return dst
}
