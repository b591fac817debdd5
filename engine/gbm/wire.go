package gbm

import (
	"encoding/binary"
	"errors"
)

// Histograms cross the network once per level from every node, and at
// depth most of their bins are zero: they travel as runs (zeros, then
// values as zigzag varints) instead of gob's one varint per bin.

// GobEncode implements gob.GobEncoder.
func (o levelOut) GobEncode() ([]byte, error) {
	n := 0
	for _, h := range o.Hists {
		n += len(h)
	}
	out := make([]byte, 0, 16+n)
	out = binary.AppendUvarint(out, uint64(len(o.Hists)))
	for _, h := range o.Hists {
		out = appendRuns(out, h)
	}
	return out, nil
}

// GobDecode implements gob.GobDecoder.
func (o *levelOut) GobDecode(b []byte) error {
	k, n := binary.Uvarint(b)
	if n <= 0 || k > uint64(len(b)) {
		return errCorrupt
	}
	b = b[n:]
	o.Hists = make([][]int64, k)
	for i := range o.Hists {
		var err error
		if o.Hists[i], b, err = readRuns(b); err != nil {
			return err
		}
	}
	if len(b) != 0 {
		return errCorrupt
	}
	return nil
}

var errCorrupt = errors.New("gbm: corrupt histogram message")

func appendRuns(out []byte, h []int64) []byte {
	out = binary.AppendUvarint(out, uint64(len(h)))
	i := 0
	for i < len(h) {
		z := i
		for z < len(h) && h[z] == 0 {
			z++
		}
		v := z
		for v < len(h) && h[v] != 0 {
			v++
		}
		out = binary.AppendUvarint(out, uint64(z-i))
		out = binary.AppendUvarint(out, uint64(v-z))
		for _, x := range h[z:v] {
			out = binary.AppendVarint(out, x)
		}
		i = v
	}
	return out
}

func readRuns(b []byte) ([]int64, []byte, error) {
	ln, n := binary.Uvarint(b)
	if n <= 0 || ln > 1<<31 {
		return nil, nil, errCorrupt
	}
	b = b[n:]
	h := make([]int64, ln)
	i := uint64(0)
	for i < ln {
		z, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, nil, errCorrupt
		}
		b = b[n:]
		v, n := binary.Uvarint(b)
		if n <= 0 || i+z+v > ln || (z == 0 && v == 0) {
			return nil, nil, errCorrupt
		}
		b = b[n:]
		i += z
		for k := uint64(0); k < v; k++ {
			x, n := binary.Varint(b)
			if n <= 0 {
				return nil, nil, errCorrupt
			}
			b = b[n:]
			h[i] = x
			i++
		}
	}
	return h, b, nil
}
