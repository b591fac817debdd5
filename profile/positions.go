package profile

import "strings"

// position is a 1-based line and column in the policy file.
type position struct{ line, col int }

// positions maps a value's path ("profiles[0].nodes.max") to where it was
// written. A path that was not written falls back to its nearest written
// parent, and finally to the top of the file.
type positions map[string]position

func (m positions) at(path string) position {
	for {
		if p, ok := m[path]; ok {
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return position{1, 1}
		}
		path = path[:i]
	}
}
