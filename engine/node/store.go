package node

import (
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/mlctl/mlctl/engine/chunk"
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/mr"
)

// localFrame is this node's share of a frame.
type localFrame struct {
	meta   *frame.Frame
	chunks map[int][]chunk.Chunk // chunk index -> one chunk per column
}

// Store holds the chunks of every frame on this node.
type Store struct {
	mu     sync.RWMutex
	frames map[string]*localFrame
}

func newStore() *Store { return &Store{frames: map[string]*localFrame{}} }

// put installs (or replaces) this node's chunks of a frame.
func (s *Store) put(meta *frame.Frame, chunks map[int][]chunk.Chunk) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frames[meta.Name] = &localFrame{meta: meta, chunks: chunks}
}

func (s *Store) remove(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.frames[name]
	delete(s.frames, name)
	return ok
}

// setMeta replaces a frame's metadata (the leader's map after a commit).
func (s *Store) setMeta(meta *frame.Frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lf, ok := s.frames[meta.Name]; ok {
		lf.meta = meta
	} else {
		s.frames[meta.Name] = &localFrame{meta: meta, chunks: map[int][]chunk.Chunk{}}
	}
}

// local returns the frame's local chunks in index order, for MR tasks.
func (s *Store) local(name string) (*mr.Local, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	lf, ok := s.frames[name]
	if !ok {
		return nil, fmt.Errorf("frame %q: %w", name, fs.ErrNotExist)
	}
	l := &mr.Local{Frame: lf.meta}
	for idx := range lf.chunks {
		l.Indices = append(l.Indices, idx)
	}
	sort.Ints(l.Indices)
	for _, idx := range l.Indices {
		l.Chunks = append(l.Chunks, lf.chunks[idx])
	}
	return l, nil
}

// usage reports the bytes and chunks held.
func (s *Store) usage() (bytes int64, chunks int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, lf := range s.frames {
		for _, cols := range lf.chunks {
			chunks++
			for _, c := range cols {
				bytes += int64(c.MemBytes())
			}
		}
	}
	return bytes, chunks
}

// rename moves frame from to name to, replacing what was there. A node with
// no part of the frame just drops any old frame called to.
func (s *Store) rename(from, to string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lf, ok := s.frames[from]
	delete(s.frames, from)
	delete(s.frames, to)
	if !ok {
		return
	}
	meta := *lf.meta
	meta.Name = to
	lf.meta = &meta
	s.frames[to] = lf
}
