package h2omojo

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/mlctl/mlctl/scoring"
)

// H2O's NaSplitDir values.
const (
	naNone   = 0 // no NA in training: NA goes right
	naVsRest = 1 // non-NA left, NA right
	naLeft   = 2
	naRight  = 3
	dirLeft  = 4 // no NA in training, NA sent left
	dirRight = 5
)

// maxDepth bounds the recursion on hostile input; H2O trees are far
// shallower (its own decision paths stop at 64 levels).
const maxDepth = 4096

// rawNode is one node of a compressed tree as H2O wrote it.
type rawNode struct {
	leaf        bool
	value       float32 // leaf
	col         int
	naDir       uint8
	kind        uint8 // 0 float split, 8 or 12 bitset
	split       float32
	bitoff      int    // bitset: first level it covers
	nbits       int    // bitset: levels it covers
	bits        []byte // bitset bytes, bit i of byte i>>3 (LSB first)
	left, right int    // children (indexes into the node list)
}

type treeReader struct {
	b     []byte
	nodes []rawNode
}

// decodeTree parses one trees/tCC_GGG.bin, checking that every subtree has
// the length its parent recorded and that the tree ends at the last byte.
func decodeTree(b []byte) ([]rawNode, error) {
	tr := &treeReader{b: b}
	if len(b) >= 3 && binary.LittleEndian.Uint16(b[1:]) == 65535 {
		// A stump: a node type byte, column 65535, the value.
		if len(b) != 7 {
			return nil, fmt.Errorf("a one-leaf tree has %d bytes, not 7", len(b))
		}
		return []rawNode{{leaf: true, value: f32(b[3:])}}, nil
	}
	end, err := tr.node(0, 0)
	if err != nil {
		return nil, err
	}
	if end != len(b) {
		return nil, fmt.Errorf("tree ends at byte %d of %d", end, len(b))
	}
	return tr.nodes, nil
}

func f32(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) }

func (tr *treeReader) need(p, n int) error {
	if p < 0 || n < 0 || p+n > len(tr.b) || p+n < p {
		return fmt.Errorf("tree truncated at byte %d (needs %d more of %d)", p, n, len(tr.b))
	}
	return nil
}

func (tr *treeReader) leaf(p int) (int, int, error) {
	if err := tr.need(p, 4); err != nil {
		return 0, 0, err
	}
	tr.nodes = append(tr.nodes, rawNode{leaf: true, value: f32(tr.b[p:])})
	return len(tr.nodes) - 1, p + 4, nil
}

// node parses the inner node at p and its subtrees; it returns the offset
// just past the subtree.
func (tr *treeReader) node(p, depth int) (int, error) {
	if depth > maxDepth {
		return 0, fmt.Errorf("tree deeper than %d levels", maxDepth)
	}
	if err := tr.need(p, 4); err != nil {
		return 0, err
	}
	b := tr.b
	typ := b[p]
	n := rawNode{col: int(binary.LittleEndian.Uint16(b[p+1:])), naDir: b[p+3], kind: typ & 12}
	p += 4
	if n.col == 65535 {
		return 0, fmt.Errorf("a leaf marker inside the tree at byte %d", p-4)
	}
	if n.naDir > dirRight {
		return 0, fmt.Errorf("NA direction %d", n.naDir)
	}
	if n.kind == 4 {
		return 0, fmt.Errorf("an equality split (node type %#x), which H2O no longer writes", typ)
	}
	if n.naDir == naVsRest {
		if n.kind != 0 {
			return 0, fmt.Errorf("an NA-versus-rest split with a bitset (node type %#x)", typ)
		}
	} else {
		switch n.kind {
		case 0:
			if err := tr.need(p, 4); err != nil {
				return 0, err
			}
			n.split = f32(b[p:])
			p += 4
			if math.IsNaN(float64(n.split)) || math.IsInf(float64(n.split), -1) {
				return 0, fmt.Errorf("split value %v", n.split)
			}
		case 8:
			if err := tr.need(p, 4); err != nil {
				return 0, err
			}
			n.nbits, n.bits = 32, b[p:p+4]
			p += 4
		case 12:
			if err := tr.need(p, 6); err != nil {
				return 0, err
			}
			n.bitoff = int(binary.LittleEndian.Uint16(b[p:]))
			nbits := int32(binary.LittleEndian.Uint32(b[p+2:]))
			p += 6
			if nbits < 0 {
				return 0, fmt.Errorf("bitset of %d bits", nbits)
			}
			nb := (int(nbits) + 7) >> 3
			if err := tr.need(p, nb); err != nil {
				return 0, err
			}
			n.nbits, n.bits = int(nbits), b[p:p+nb]
			p += nb
		}
	}
	lmask := typ & 0x33
	rleaf := typ & 0xC0
	if rleaf != 0 && rleaf != 0xC0 {
		return 0, fmt.Errorf("node type %#x: right-child bits %#x", typ, rleaf)
	}
	idx := len(tr.nodes)
	tr.nodes = append(tr.nodes, n)
	var err error
	switch {
	case lmask == 48:
		tr.nodes[idx].left, p, err = tr.leaf(p)
	case lmask <= 3:
		w := int(lmask) + 1
		if err := tr.need(p, w); err != nil {
			return 0, err
		}
		size := 0
		for i := 0; i < w; i++ {
			size |= int(b[p+i]) << (8 * i)
		}
		p += w
		if w == 4 && int32(uint32(size)) < 0 {
			return 0, fmt.Errorf("left subtree of %d bytes", int32(uint32(size)))
		}
		tr.nodes[idx].left = len(tr.nodes)
		end, err := tr.node(p, depth+1)
		if err != nil {
			return 0, err
		}
		if end != p+size {
			return 0, fmt.Errorf("left subtree at byte %d is %d bytes, its parent says %d", p, end-p, size)
		}
		p = end
	default:
		return 0, fmt.Errorf("node type %#x: left-child bits %#x", typ, lmask)
	}
	if err != nil {
		return 0, err
	}
	if rleaf != 0 {
		tr.nodes[idx].right, p, err = tr.leaf(p)
		return p, err
	}
	tr.nodes[idx].right = len(tr.nodes)
	return tr.node(p, depth+1)
}

// auxNode is one record of a trees/tCC_GGG_aux.bin.
type auxNode struct {
	weightL, weightR float32
	nidL, nidR       int32
}

const auxSize = 40

// decodeAux parses an aux file into node id -> record.
func decodeAux(b []byte) (map[int32]auxNode, error) {
	if len(b)%auxSize != 0 {
		return nil, fmt.Errorf("aux info of %d bytes is not a whole number of %d-byte records", len(b), auxSize)
	}
	out := make(map[int32]auxNode, len(b)/auxSize)
	le := binary.LittleEndian
	for p := 0; p < len(b); p += auxSize {
		nid := int32(le.Uint32(b[p:]))
		if _, dup := out[nid]; dup {
			return nil, fmt.Errorf("aux info has node %d twice", nid)
		}
		out[nid] = auxNode{
			weightL: math.Float32frombits(le.Uint32(b[p+8:])),
			weightR: math.Float32frombits(le.Uint32(b[p+12:])),
			nidL:    int32(le.Uint32(b[p+32:])),
			nidR:    int32(le.Uint32(b[p+36:])),
		}
	}
	return out, nil
}

// covers gives each raw node the weight that reached it, following the aux
// records from the root (node id 0); nil aux gives zeros. Every inner node
// must have its record and every record must be used.
func covers(nodes []rawNode, aux map[int32]auxNode) ([]float64, error) {
	cov := make([]float64, len(nodes))
	if aux == nil || nodes[0].leaf {
		return cov, nil
	}
	type item struct {
		i   int
		nid int32
	}
	stack := []item{{0, 0}}
	seen := make(map[int32]bool, len(aux))
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		a, ok := aux[it.nid]
		if !ok {
			return nil, fmt.Errorf("aux info has no record for node %d", it.nid)
		}
		if seen[it.nid] {
			return nil, fmt.Errorf("aux info reaches node %d twice", it.nid)
		}
		seen[it.nid] = true
		n := nodes[it.i]
		if it.i == 0 {
			cov[0] = float64(a.weightL) + float64(a.weightR)
		}
		cov[n.left], cov[n.right] = float64(a.weightL), float64(a.weightR)
		if !nodes[n.right].leaf {
			stack = append(stack, item{n.right, a.nidR})
		}
		if !nodes[n.left].leaf {
			stack = append(stack, item{n.left, a.nidL})
		}
	}
	if len(seen) != len(aux) {
		return nil, fmt.Errorf("aux info has %d records for %d inner nodes", len(aux), len(seen))
	}
	return cov, nil
}

// threshold converts H2O's "x < split goes left" (split an f32, x a double)
// into the scoring rule "x <= t goes left": t is the largest double below
// the split.
func threshold(split float32) float64 {
	return math.Nextafter(float64(split), math.Inf(-1))
}

// maxCatWords bounds the bitset words one model may need (256 MiB), so that
// a huge domain times many splits cannot exhaust memory.
const maxCatWords = 1 << 25

// toTree lays the raw nodes out breadth-first as a scoring.Tree. levels
// gives each feature's level count (0 for numeric); scale multiplies every
// leaf value (1, or -2 for a two-class multinomial folded into bernoulli);
// budget is the bitset words still allowed.
func toTree(nodes []rawNode, cov []float64, levels []int, scale float64, budget *int) (scoring.Tree, error) {
	n := len(nodes)
	t := scoring.Tree{
		Feature: make([]int32, n), Threshold: make([]float64, n), Flags: make([]uint8, n),
		CatStart: make([]int32, n), CatWords: make([]int32, n),
		Left: make([]int32, n), Right: make([]int32, n), Value: make([]float64, n), Cover: make([]float64, n),
	}
	order := make([]int, 0, n) // BFS position -> raw index
	order = append(order, 0)
	for q := 0; q < len(order); q++ {
		r := nodes[order[q]]
		i := q
		t.Cover[i] = cov[order[q]]
		if r.leaf {
			t.Feature[i], t.Left[i], t.Right[i] = -1, -1, -1
			t.Value[i] = float64(r.value) * scale
			continue
		}
		if r.col >= len(levels) {
			return t, fmt.Errorf("a split on column %d of %d features", r.col, len(levels))
		}
		t.Feature[i] = int32(r.col)
		t.Left[i] = int32(len(order))
		order = append(order, r.left)
		t.Right[i] = int32(len(order))
		order = append(order, r.right)
		naLeftward := r.naDir == naLeft || r.naDir == dirLeft
		switch {
		case r.naDir == naVsRest:
			t.Flags[i] = scoring.FlagNAOnly
		case r.kind == 0:
			t.Threshold[i] = threshold(r.split)
			if naLeftward {
				t.Flags[i] = scoring.FlagNALeft
			}
		default:
			nl := levels[r.col]
			if nl == 0 {
				return t, fmt.Errorf("a bitset split on numeric column %d", r.col)
			}
			// The bitset decides levels [lo, hi); every other level goes the
			// NA way. Stored: every level that can go left.
			lo, hi := r.bitoff, min(nl, r.bitoff+r.nbits)
			top := nl
			if !naLeftward {
				top = max(hi, 0)
			}
			words := (top + 63) / 64
			if *budget -= words; *budget < 0 {
				return t, fmt.Errorf("categorical splits need more than %d bitset words", maxCatWords)
			}
			t.Flags[i] = scoring.FlagCat
			if naLeftward {
				t.Flags[i] |= scoring.FlagNALeft
			}
			t.CatStart[i], t.CatWords[i] = int32(len(t.Cats)), int32(words)
			t.Cats = append(t.Cats, make([]uint64, words)...)
			set := t.Cats[t.CatStart[i]:]
			if naLeftward {
				for w := range set {
					set[w] = ^uint64(0)
				}
			}
			for c := lo; c < hi; c++ {
				b := c - r.bitoff
				left := r.bits[b>>3]&(1<<(b&7)) == 0 // a set bit goes right
				if left {
					set[c>>6] |= 1 << (c & 63)
				} else {
					set[c>>6] &^= 1 << (c & 63)
				}
			}
		}
	}
	if len(order) != n {
		return t, fmt.Errorf("tree has %d nodes, %d reachable", n, len(order))
	}
	return t, nil
}
