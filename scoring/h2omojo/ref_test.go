package h2omojo

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
)

// A test-side encoder of H2O's compressed trees and a reference scorer that
// walks the bytes the way h2o-genmodel's scoreTree does, so that the
// imported scoring.Tree can be checked against H2O's rule on any row.

type tnode struct {
	leaf   bool
	value  float32
	col    int
	naDir  uint8
	kind   uint8 // 0, 8, 12
	split  float32
	bitoff int
	nbits  int
	bits   []byte
	l, r   *tnode
	sz     int // cached size()
}

func (n *tnode) size() int {
	if n.leaf {
		return 4
	}
	if n.sz > 0 {
		return n.sz
	}
	s := 4
	switch {
	case n.naDir == naVsRest:
	case n.kind == 12:
		s += 6 + (n.nbits+7)/8
	default:
		s += 4
	}
	s += n.l.size()
	if !n.l.leaf {
		s += skipWidth(n.l.size())
	}
	n.sz = s + n.r.size()
	return n.sz
}

func skipWidth(sz int) int {
	switch {
	case sz < 256:
		return 1
	case sz < 65535:
		return 2
	case sz < 1<<24:
		return 3
	}
	return 4
}

// encode writes a tree as H2O does (a root leaf as the 7-byte stump).
func encode(n *tnode) []byte {
	if n.leaf {
		b := []byte{0, 0xff, 0xff, 0, 0, 0, 0}
		binary.LittleEndian.PutUint32(b[3:], math.Float32bits(n.value))
		return b
	}
	return n.put(nil)
}

func (n *tnode) put(b []byte) []byte {
	le := binary.LittleEndian
	if n.leaf {
		return le.AppendUint32(b, math.Float32bits(n.value))
	}
	typ := n.kind
	if n.l.leaf {
		typ |= 48
	} else {
		typ |= byte(skipWidth(n.l.size()) - 1)
	}
	if n.r.leaf {
		typ |= 0xC0
	}
	b = append(b, typ)
	b = le.AppendUint16(b, uint16(n.col))
	b = append(b, n.naDir)
	if n.naDir != naVsRest {
		switch n.kind {
		case 0:
			b = le.AppendUint32(b, math.Float32bits(n.split))
		case 8:
			b = append(b, n.bits[:4]...)
		case 12:
			b = le.AppendUint16(b, uint16(n.bitoff))
			b = le.AppendUint32(b, uint32(n.nbits))
			b = append(b, n.bits[:(n.nbits+7)/8]...)
		}
	}
	if !n.l.leaf {
		sz := n.l.size()
		for i := 0; i < skipWidth(sz); i++ {
			b = append(b, byte(sz>>(8*i)))
		}
	}
	b = n.l.put(b)
	return n.r.put(b)
}

// refScore is h2o-genmodel's scoring rule on the encoded bytes: go right
// when (value is NA, or outside the bitset's range, or past the domain) and
// the NA direction is not leftward, or else when the value is >= the split
// or its bit is set; NA-versus-rest sends every present value left.
func refScore(tree []byte, row []float64, domains []int) float64 {
	le := binary.LittleEndian
	p := 0
	for {
		typ := tree[p]
		col := int(le.Uint16(tree[p+1:]))
		if col == 65535 {
			return float64(math.Float32frombits(le.Uint32(tree[p+3:])))
		}
		dir := tree[p+3]
		p += 4
		naVsRestSplit := dir == naVsRest
		leftward := dir == naLeft || dir == dirLeft
		lmask := typ & 51
		equal := typ & 12
		var split float32
		var bitoff, nbits, byteoff int
		if !naVsRestSplit {
			switch equal {
			case 0:
				split = math.Float32frombits(le.Uint32(tree[p:]))
				p += 4
			case 8:
				nbits, byteoff = 32, p
				p += 4
			case 12:
				bitoff = int(le.Uint16(tree[p:]))
				nbits = int(int32(le.Uint32(tree[p+2:])))
				byteoff = p + 6
				p += 6 + (nbits+7)/8
			}
		}
		d := row[col]
		na := math.IsNaN(d)
		if !na && equal != 0 && !naVsRestSplit {
			if i := int(d) - bitoff; i < 0 || i >= nbits {
				na = true
			}
		}
		if !na && domains[col] > 0 && domains[col] <= int(d) {
			na = true
		}
		var right bool
		if na {
			right = !leftward
		} else if !naVsRestSplit {
			if equal == 0 {
				right = d >= float64(split)
			} else {
				i := int(d) - bitoff
				right = tree[byteoff+i>>3]&(1<<(i&7)) != 0
			}
		}
		if right {
			switch lmask {
			case 48:
				p += 4
			default:
				w := int(lmask) + 1
				sz := 0
				for i := 0; i < w; i++ {
					sz |= int(tree[p+i]) << (8 * i)
				}
				p += w + sz
			}
			lmask = (typ & 0xC0) >> 2
		} else if lmask <= 3 {
			p += int(lmask) + 1
		}
		if lmask&16 != 0 {
			return float64(math.Float32frombits(le.Uint32(tree[p:])))
		}
	}
}

// randTree makes a random tree over features with the given level counts
// (0 = numeric); splits come from splitVals so rows can hit them exactly.
func randTree(rng *rand.Rand, depth int, levels []int, splitVals []float32) *tnode {
	if depth == 0 || rng.IntN(5) == 0 {
		return &tnode{leaf: true, value: float32(rng.NormFloat64())}
	}
	n := &tnode{col: rng.IntN(len(levels)), naDir: uint8(rng.IntN(6))}
	switch {
	case n.naDir == naVsRest:
	case levels[n.col] == 0:
		n.split = splitVals[rng.IntN(len(splitVals))]
	case rng.IntN(2) == 0:
		n.kind, n.nbits, n.bits = 8, 32, randBits(rng, 32)
	default:
		n.kind = 12
		n.bitoff = rng.IntN(levels[n.col] + 2)
		n.nbits = rng.IntN(levels[n.col] + 3)
		n.bits = randBits(rng, n.nbits)
	}
	n.l = randTree(rng, depth-1, levels, splitVals)
	n.r = randTree(rng, depth-1, levels, splitVals)
	return n
}

func randBits(rng *rand.Rand, nbits int) []byte {
	b := make([]byte, (nbits+7)/8+4)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// randRow draws values that sit on, just below and just above the split
// values, plus NaN, infinities and every level code.
func randRow(rng *rand.Rand, levels []int, splitVals []float32) []float64 {
	row := make([]float64, len(levels))
	for j, nl := range levels {
		if rng.IntN(8) == 0 {
			row[j] = math.NaN()
			continue
		}
		if nl > 0 {
			row[j] = float64(rng.IntN(nl))
			continue
		}
		s := float64(splitVals[rng.IntN(len(splitVals))])
		switch rng.IntN(6) {
		case 0:
			row[j] = math.Nextafter(s, math.Inf(-1))
		case 1:
			row[j] = math.Nextafter(s, math.Inf(1))
		case 2:
			row[j] = rng.NormFloat64() * 3
		case 3:
			row[j] = math.Inf(2*rng.IntN(2) - 1)
		default:
			row[j] = s
		}
	}
	return row
}
