package mr

import (
	"bytes"
	"context"
	"encoding/gob"
	"sort"
	"sync"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
)

// Request asks one node to run a registered task over its chunks of Frame.
type Request struct {
	Task  string
	Frame string
	// Extra frames are zipped with Frame chunk by chunk: they must have the
	// same chunk layout (a working frame made from Frame has it).
	Extra []string
	Args  []byte
	// Job scopes node-side state kept between passes ("" = none).
	Job string
	// NChunks is the frame's chunk count, which fixes the reduce tree.
	NChunks int
	// Output, when set, names the frame that chunks emitted by the task are
	// stored as on the node (columns as given, chunks filled by the node).
	Output *frame.Frame
}

// Response is one node's answer: partial results of the complete subtrees of
// the reduce tree whose leaves it holds, and the chunks it emitted.
type Response struct {
	Partials []Partial
	Emitted  []frame.ChunkRef // Home is filled in by the caller
}

// Partial is the gob-encoded reduction of chunks [Lo, Hi): one subtree of
// the fixed reduce tree. A node-level task answers one Partial with Lo = -1.
type Partial struct {
	Lo, Hi int
	Data   []byte
	// value is the partial before encoding: a node calling itself (the
	// leader's own chunks) hands it over as it is, and only a partial that
	// crosses the network is gob-encoded (Encode).
	value any
	enc   func(any) ([]byte, error)
}

// Encode gob-encodes every partial's value into Data, for the wire.
func Encode(ps []Partial) error {
	for i := range ps {
		p := &ps[i]
		if p.Data != nil || p.enc == nil {
			continue
		}
		b, err := p.enc(p.value)
		if err != nil {
			return err
		}
		p.Data, p.value = b, nil
	}
	return nil
}

// gobOf encodes a *P for Partial.enc.
func gobOf[P any](v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v.(*P)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// valueOf returns a partial's value, decoding Data when it came over the
// network.
func valueOf[P any](p *Partial) (P, error) {
	if v, ok := p.value.(*P); ok && p.Data == nil {
		return *v, nil
	}
	var v P
	err := gob.NewDecoder(bytes.NewReader(p.Data)).Decode(&v)
	return v, err
}

// Local is what a node hands a task: its chunks of the frame (and of the
// extra frames, same positions), the job's node state, and an emitter.
type Local struct {
	Frame   *frame.Frame
	Indices []int           // chunk indices held here, ascending
	Chunks  [][]chunk.Chunk // Chunks[k] = all columns of chunk Indices[k]
	Extra   [][][]chunk.Chunk
	State   *JobState // nil when the request has no job

	mu      sync.Mutex
	emitted map[int][]chunk.Chunk
}

// Emit stores cols as chunk Indices[k] of the task's output frame.
func (l *Local) Emit(k int, cols []chunk.Chunk) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.emitted == nil {
		l.emitted = map[int][]chunk.Chunk{}
	}
	l.emitted[l.Indices[k]] = cols
}

// Emitted returns the chunks emitted so far, by chunk index.
func (l *Local) Emitted() map[int][]chunk.Chunk {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.emitted
}

// Position returns k such that Indices[k] == idx, or -1.
func (l *Local) Position(idx int) int {
	k := sort.SearchInts(l.Indices, idx)
	if k < len(l.Indices) && l.Indices[k] == idx {
		return k
	}
	return -1
}

// Runner is the node side of a registered task.
type Runner func(ctx context.Context, req *Request, local *Local) ([]Partial, error)

var (
	mu       sync.RWMutex
	registry = map[string]Runner{}
)

// Lookup returns the node-side runner of a task registered under name.
func Lookup(name string) (Runner, bool) {
	mu.RLock()
	defer mu.RUnlock()
	r, ok := registry[name]
	return r, ok
}

func register(name string, r Runner) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[name]; dup {
		panic("mr: task registered twice: " + name)
	}
	registry[name] = r
}

// Executor runs a task on one node.
type Executor interface {
	MapOn(ctx context.Context, node int, req *Request) (*Response, error)
}

// Input says what a task runs over.
type Input struct {
	Frame  *frame.Frame
	Extra  []*frame.Frame // zipped with Frame; same chunk layout
	Job    string         // node state scope
	Output *frame.Frame   // emitted chunks form this frame; its Chunks are filled in
}
