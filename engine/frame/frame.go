package frame

import "regexp"

// Column is one column's metadata. Domain is set for categorical columns:
// code i in a chunk means Domain[i]. Domains are sorted (byte order), so the
// same data gives the same codes whatever the number of nodes.
type Column struct {
	Name   string   `json:"name"`
	Type   Type     `json:"type"`
	Domain []string `json:"domain,omitempty"`
}

// ChunkRef says where one row chunk lives and how many rows it holds.
type ChunkRef struct {
	Index int   `json:"index"` // position in the frame, 0..len(Chunks)-1
	Home  int   `json:"home"`  // node index holding it
	Rows  int64 `json:"rows"`
	Bytes int64 `json:"bytes"` // in-memory bytes, all columns
}

// Frame is a named frame as the leader knows it.
type Frame struct {
	Name    string     `json:"name"`
	Columns []Column   `json:"columns"`
	Chunks  []ChunkRef `json:"chunks"`
	Source  string     `json:"source"`
	// Sources are the files the frame's rows came from (for a split, its
	// parent's), recorded in a model's lineage.
	Sources []string `json:"sources,omitempty"`
}

// Rows is the frame's row count.
func (f *Frame) Rows() int64 {
	var n int64
	for _, c := range f.Chunks {
		n += c.Rows
	}
	return n
}

// MemBytes is the frame's in-memory size across nodes.
func (f *Frame) MemBytes() int64 {
	var n int64
	for _, c := range f.Chunks {
		n += c.Bytes
	}
	return n
}

// ChunksOn lists the indices of the chunks node holds, in order.
func (f *Frame) ChunksOn(node int) []int {
	var out []int
	for _, c := range f.Chunks {
		if c.Home == node {
			out = append(out, c.Index)
		}
	}
	return out
}

// Homes lists the nodes that hold at least one chunk, ascending.
func (f *Frame) Homes() []int {
	seen := map[int]bool{}
	var out []int
	for _, c := range f.Chunks {
		if !seen[c.Home] {
			seen[c.Home] = true
			out = append(out, c.Home)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// ValidName is the rule for frame (and model) names: 1-128 letters, digits,
// '_', '.' and '-', not starting with '.' or '-'. The leader enforces it;
// the CLI checks it first to make a bad name a usage error.
var ValidName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
