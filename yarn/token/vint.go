package token

import (
	"errors"
	"fmt"
	"math"
)

// ErrTruncated reports input that ends inside a value.
var ErrTruncated = errors.New("token: truncated input")

// AppendVLong appends i in the encoding of Hadoop's
// WritableUtils.writeVLong: values in [-112, 127] take one byte; others a
// length byte (-113..-120 for positive, -121..-128 for negative values,
// whose one's complement is stored) followed by the big-endian magnitude
// without leading zero bytes.
func AppendVLong(b []byte, i int64) []byte {
	if i >= -112 && i <= 127 {
		return append(b, byte(i))
	}
	lenByte := -112
	if i < 0 {
		i = ^i
		lenByte = -120
	}
	for tmp := i; tmp != 0; tmp >>= 8 {
		lenByte--
	}
	b = append(b, byte(int8(lenByte)))
	n := vlongSize(int8(lenByte)) - 1
	for idx := n; idx > 0; idx-- {
		b = append(b, byte(i>>(uint(idx-1)*8)))
	}
	return b
}

// AppendVInt is AppendVLong for an int32 (Hadoop writes both the same way).
func AppendVInt(b []byte, i int32) []byte { return AppendVLong(b, int64(i)) }

// vlongSize is WritableUtils.decodeVIntSize: the total encoded length
// announced by the first byte.
func vlongSize(first int8) int {
	switch {
	case first >= -112:
		return 1
	case first < -120:
		return int(-119 - int(first))
	default:
		return int(-111 - int(first))
	}
}

func vlongNegative(first int8) bool {
	return first < -120 || (first >= -112 && first < 0)
}

// ReadVLong decodes one Hadoop vlong from the front of b and returns it with
// the number of bytes it took.
func ReadVLong(b []byte) (int64, int, error) {
	if len(b) == 0 {
		return 0, 0, ErrTruncated
	}
	first := int8(b[0])
	n := vlongSize(first)
	if n == 1 {
		return int64(first), 1, nil
	}
	if len(b) < n {
		return 0, 0, ErrTruncated
	}
	var i int64
	for _, c := range b[1:n] {
		i = i<<8 | int64(c)
	}
	if vlongNegative(first) {
		i = ^i
	}
	return i, n, nil
}

// ReadVInt decodes a vint, refusing values outside the int32 range as
// Hadoop's WritableUtils.readVInt does.
func ReadVInt(b []byte) (int32, int, error) {
	v, n, err := ReadVLong(b)
	if err != nil {
		return 0, 0, err
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, 0, fmt.Errorf("token: vint %d out of int32 range", v)
	}
	return int32(v), n, nil
}

// decoder walks a Writable byte stream with bounds checks.
type decoder struct {
	b   []byte
	off int
}

func (d *decoder) vint() (int32, error) {
	v, n, err := ReadVInt(d.b[d.off:])
	if err != nil {
		return 0, err
	}
	d.off += n
	return v, nil
}

// bytes reads a vint length then that many bytes (copied).
func (d *decoder) bytes() ([]byte, error) {
	n, err := d.vint()
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("token: negative length %d", n)
	}
	if int(n) > len(d.b)-d.off {
		return nil, ErrTruncated
	}
	out := make([]byte, n)
	copy(out, d.b[d.off:])
	d.off += int(n)
	return out, nil
}

// text reads a Hadoop Text: vint length then UTF-8 bytes.
func (d *decoder) text() (string, error) {
	b, err := d.bytes()
	return string(b), err
}

func (d *decoder) count() (int, error) {
	n, err := d.vint()
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, fmt.Errorf("token: negative count %d", n)
	}
	// Every entry takes at least one byte: a bigger count is a lie.
	if int(n) > len(d.b)-d.off {
		return 0, ErrTruncated
	}
	return int(n), nil
}

func appendBytes(b, v []byte) []byte {
	b = AppendVInt(b, int32(len(v)))
	return append(b, v...)
}

func appendText(b []byte, s string) []byte {
	b = AppendVInt(b, int32(len(s)))
	return append(b, s...)
}
