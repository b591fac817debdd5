package mr

import "sync"

// States holds every job's node-side state in one process: what an
// iterative algorithm keeps on the nodes between passes (GBM's binned
// columns, gradients and leaf assignment), so each pass ships only the small
// per-iteration arguments.
type States struct {
	mu   sync.Mutex
	jobs map[string]*JobState
}

// NewStates returns an empty state table.
func NewStates() *States { return &States{jobs: map[string]*JobState{}} }

// Job returns the state of job id, made on first use.
func (s *States) Job(id string) *JobState {
	s.mu.Lock()
	defer s.mu.Unlock()
	js, ok := s.jobs[id]
	if !ok {
		js = &JobState{m: map[string]any{}}
		s.jobs[id] = js
	}
	return js
}

// Drop forgets job id's state.
func (s *States) Drop(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.jobs, id)
}

// Len is the number of jobs holding state.
func (s *States) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.jobs)
}

// JobState is one job's state on one node: values by key.
type JobState struct {
	mu sync.Mutex
	m  map[string]any
}

// Load returns the value stored under key.
func (j *JobState) Load(key string) (any, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	v, ok := j.m[key]
	return v, ok
}

// Store sets key to v.
func (j *JobState) Store(key string, v any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.m[key] = v
}

// DeletePrefix forgets every key starting with prefix.
func (j *JobState) DeletePrefix(prefix string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for k := range j.m {
		if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
			delete(j.m, k)
		}
	}
}

// LoadOrMake returns key's value, calling mk (under the lock) to make it the
// first time.
func (j *JobState) LoadOrMake(key string, mk func() any) any {
	j.mu.Lock()
	defer j.mu.Unlock()
	v, ok := j.m[key]
	if !ok {
		v = mk()
		j.m[key] = v
	}
	return v
}
