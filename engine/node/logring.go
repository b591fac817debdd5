package node

import "sync"

// LogRing keeps the last bytes a process logged, so the leader can serve any
// node's log through its API: on YARN the NodeManager's log pages may be off
// and container log directories are on the nodes' disks.
type LogRing struct {
	mu   sync.Mutex
	buf  []byte
	size int
}

// NewLogRing keeps up to size bytes.
func NewLogRing(size int) *LogRing { return &LogRing{size: size} }

// Write implements io.Writer; it never fails.
func (r *LogRing) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(r.buf, p...)
	if over := len(r.buf) - r.size; over > 0 {
		// Drop whole lines from the front so the log starts cleanly.
		cut := over
		for cut < len(r.buf) && r.buf[cut-1] != '\n' {
			cut++
		}
		r.buf = append(r.buf[:0], r.buf[cut:]...)
	}
	return len(p), nil
}

// Bytes returns a copy of what is kept.
func (r *LogRing) Bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.buf...)
}
