package learn

import (
	"fmt"
	"math"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/scoring"
)

// Binding maps a model's schema onto one frame's columns: where each
// feature, the response, the weights and the offset are, and how the
// frame's categorical codes map to the model's. It travels to the nodes in
// task arguments.
type Binding struct {
	Features []int     // column of each feature
	Remap    [][]int32 // per feature: frame code -> model code (-1 unseen); nil = numeric or identity
	Target   int       // -1 = no response column (predict on unlabelled data)
	// TargetRemap maps the frame's target codes to class indices (-1 =
	// a class the model does not know); nil for a numeric response.
	TargetRemap []int32
	Weights     int // -1 = none
	Offset      int // -1 = none
}

// Bind binds schema s to frame f. weights names the weights column ("" =
// none); needTarget makes a missing response an error.
func Bind(s *scoring.Schema, f *frame.Frame, weights string, needTarget bool) (*Binding, error) {
	b := &Binding{Target: -1, Weights: -1, Offset: -1}
	byName := map[string]int{}
	for i, c := range f.Columns {
		byName[c.Name] = i
	}
	for j, feat := range s.Features {
		c, ok := byName[feat.Name]
		if !ok {
			return nil, Bad("the model needs every column it was trained on", "frame %s has no column %q, which the model uses", f.Name, feat.Name)
		}
		col := f.Columns[c]
		var remap []int32
		switch feat.Type {
		case scoring.Categorical:
			if col.Type != frame.Categorical {
				return nil, Bad("import the frame with --col-type "+feat.Name+"=categorical", "column %q of frame %s is %s, but the model was trained on it as categorical", feat.Name, f.Name, col.Type)
			}
			remap = s.LevelMap(j, col.Domain)
			if isIdentity(remap, len(feat.Domain)) {
				remap = nil
			}
		default:
			if col.Type != frame.Numeric && col.Type != frame.Time {
				return nil, Bad("import the frame with --col-type "+feat.Name+"=numeric", "column %q of frame %s is %s, but the model was trained on it as numeric", feat.Name, f.Name, col.Type)
			}
		}
		b.Features = append(b.Features, c)
		b.Remap = append(b.Remap, remap)
	}
	if t, ok := byName[s.Response]; ok {
		b.Target = t
		col := f.Columns[t]
		if len(s.Classes) > 0 {
			switch col.Type {
			case frame.Categorical:
				b.TargetRemap = levelMap(s.Classes, col.Domain)
			case frame.Numeric:
				// A numeric 0/1 response of a binomial model: codes are the values.
				if !(len(s.Classes) == 2 && s.Classes[0] == "0" && s.Classes[1] == "1") {
					return nil, Bad("", "response %q of frame %s is numeric, but the model predicts classes %v", s.Response, f.Name, s.Classes)
				}
			default:
				return nil, Bad("", "response %q of frame %s is %s", s.Response, f.Name, col.Type)
			}
		} else if col.Type != frame.Numeric {
			return nil, Bad("", "response %q of frame %s is %s, but the model is a regression", s.Response, f.Name, col.Type)
		}
	} else if needTarget {
		return nil, Bad("", "frame %s has no response column %q", f.Name, s.Response)
	}
	if weights != "" {
		w, ok := byName[weights]
		if !ok {
			return nil, Bad("", "frame %s has no weights column %q", f.Name, weights)
		}
		b.Weights = w
	}
	if s.Offset != "" {
		o, ok := byName[s.Offset]
		if !ok {
			return nil, Bad("", "frame %s has no offset column %q, which the model uses", f.Name, s.Offset)
		}
		b.Offset = o
	}
	return b, nil
}

func levelMap(model, from []string) []int32 {
	idx := map[string]int32{}
	for i, l := range model {
		idx[l] = int32(i)
	}
	out := make([]int32, len(from))
	for i, l := range from {
		c, ok := idx[l]
		if !ok {
			c = -1
		}
		out[i] = c
	}
	return out
}

func isIdentity(remap []int32, n int) bool {
	if len(remap) > n {
		return false
	}
	for i, c := range remap {
		if c != int32(i) {
			return false
		}
	}
	return true
}

// Block is one chunk decoded for a model: per-feature values (categorical
// as model codes, NaN for NA or unseen), the response (class index for
// classification, NaN when missing or unknown), weights (1 when none) and
// offsets (nil when none).
type Block struct {
	N   int
	X   [][]float64
	Y   []float64
	W   []float64
	Off []float64
}

// Decode fills blk from one chunk's columns, reusing its slices.
func (b *Binding) Decode(cols []chunk.Chunk, blk *Block) {
	n := 0
	if len(cols) > 0 {
		n = cols[0].Len()
	}
	blk.N = n
	if len(blk.X) != len(b.Features) {
		blk.X = make([][]float64, len(b.Features))
	}
	for j, c := range b.Features {
		blk.X[j] = cols[c].Floats(blk.X[j][:0])[:n]
		if rm := b.Remap[j]; rm != nil {
			x := blk.X[j]
			for i, v := range x {
				if math.IsNaN(v) {
					continue
				}
				code := int(v)
				if code < 0 || code >= len(rm) || rm[code] < 0 {
					x[i] = math.NaN()
				} else {
					x[i] = float64(rm[code])
				}
			}
		}
	}
	if b.Target >= 0 {
		blk.Y = cols[b.Target].Floats(blk.Y[:0])[:n]
		if rm := b.TargetRemap; rm != nil {
			for i, v := range blk.Y {
				if math.IsNaN(v) {
					continue
				}
				code := int(v)
				if code < 0 || code >= len(rm) || rm[code] < 0 {
					blk.Y[i] = math.NaN()
				} else {
					blk.Y[i] = float64(rm[code])
				}
			}
		}
	} else {
		blk.Y = blk.Y[:0]
	}
	if b.Weights >= 0 {
		blk.W = cols[b.Weights].Floats(blk.W[:0])[:n]
	} else {
		blk.W = grow(blk.W, n)
		for i := range blk.W {
			blk.W[i] = 1
		}
	}
	if b.Offset >= 0 {
		blk.Off = cols[b.Offset].Floats(blk.Off[:0])[:n]
	} else {
		blk.Off = nil
	}
}

// Row writes row i of blk in the scoring row layout into row.
func (blk *Block) Row(i int, row []float64) {
	for j := range blk.X {
		row[j] = blk.X[j][i]
	}
	if blk.Off != nil {
		row[len(blk.X)] = blk.Off[i]
	}
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// checkWeight validates a weight value.
func checkWeight(w float64, col string) error {
	if math.IsNaN(w) || w < 0 || math.IsInf(w, 0) {
		return fmt.Errorf("weights column %q holds %v; weights must be finite and not negative", col, w)
	}
	return nil
}
